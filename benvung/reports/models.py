"""Official documents: the register of numbers, the generated documents, the annual texts."""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext, pgettext_lazy

from benvung.core.models import TimeStampedModel
from benvung.core.storage import private_storage
from benvung.directory.models import Organisation
from benvung.reporting.models import AgencyReport, ReportingCycle


class DocumentType(models.TextChoices):
    """Decree 30/2020, Appendix III: the symbols of administrative document types."""

    REPORT = "BC", _("report")
    PLAN = "KH", _("plan")
    DECISION = "QĐ", _("decision")
    SUBMISSION = "TTr", _("submission")
    NOTICE = "TB", _("notice")
    GUIDANCE = "HD", _("guidance")
    PROGRAMME = "CTr", _("programme")
    INVITATION = "GM", _("invitation")


class NumberCounter(models.Model):
    """The last number given by an issuing organisation in a year (numbers restart at 01 each
    1 January, whatever the document type, as the decree's register does)."""

    issuer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(fields=["issuer", "year"], name="reports_one_counter_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.year}: {self.last}"


class RegisteredNumber(models.Model):
    """One number of the register: reserved once, never given twice."""

    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="registered_numbers"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number"))
    doc_type = models.CharField(_("document type"), max_length=5, choices=DocumentType.choices)
    issuer_symbol = models.CharField(_("agency symbol"), max_length=30)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    # The date printed on the document: a number taken later never carries an earlier date
    # (the register follows the order of the dates). Empty for numbers reserved without one.
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    reserved_at = models.DateTimeField(_("reserved at"), auto_now_add=True)
    reserved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-sequence"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.UniqueConstraint(
                fields=["issuer", "year", "sequence"], name="reports_number_given_once"
            )
        ]
        verbose_name = _("registered number")
        verbose_name_plural = _("document register")

    def __str__(self) -> str:
        return self.display

    @property
    def display(self) -> str:
        """ "05/BC-SCT": a leading zero below 10, symbols joined by a hyphen."""
        return f"{self.sequence:02d}/{self.doc_type}-{self.issuer_symbol}"


class AnnualReportText(models.Model):
    """Sections II-IV of the annual synthesis report, as the coordinator writes them."""

    cycle = models.OneToOneField(
        ReportingCycle, on_delete=models.CASCADE, related_name="annual_text"
    )
    achievements = models.TextField(_("achievements"), blank=True)
    limitations = models.TextField(_("limitations and their causes"), blank=True)
    next_year_tasks = models.TextField(_("tasks for next year"), blank=True)
    proposals = models.TextField(_("proposals"), blank=True)
    signer_authority = models.CharField(_("signing on behalf"), max_length=60, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer_name = models.CharField(_("signer"), max_length=120, blank=True)
    recipients = models.TextField(_("recipients (one per line)"), blank=True)
    # The unit of the Department that drafted the report: "Lưu: VT, QLCN." names it.
    drafting_unit = models.CharField(_("drafting unit"), max_length=60, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("annual report text")
        verbose_name_plural = _("annual report texts")

    def __str__(self) -> str:
        return str(self.cycle)


def document_path(instance: GeneratedDocument, filename: str) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower()
    return f"documents/{instance.created_at:%Y}/{secrets.token_hex(16)}.{suffix}"


class GeneratedDocument(TimeStampedModel):
    """A document produced from the data, with the snapshot it was built from.

    A draft (`is_draft`) has no number: it is made as often as wanted, for review. Issuing a
    draft makes a second document, numbered, from the draft's snapshot (`from_draft`), once the
    data behind it are checked unchanged.
    """

    class Kind(models.TextChoices):
        ANNUAL = "annual", _("annual synthesis report")
        AGENCY = "agency", _("agency report")

    class State(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RENDERING = "rendering", _("being generated")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    cycle = models.ForeignKey(
        ReportingCycle, on_delete=models.PROTECT, related_name="generated_documents"
    )
    agency_report = models.ForeignKey(
        AgencyReport,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="generated_documents",
    )
    issuer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="generated_documents"
    )
    number = models.ForeignKey(
        RegisteredNumber,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
    )
    issued_on = models.DateField(_("date"))
    is_draft = models.BooleanField(pgettext_lazy("official document", "draft"), default=False)
    # The draft an issued document was made from: the content the issuer reviewed.
    from_draft = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="issued_documents"
    )
    # What was missing from the data when the document was made (readiness.Gap as data: a code
    # and its parameters), and whether the issuer confirmed issuing all the same.
    gaps = models.JSONField(_("missing data"), default=list, blank=True)
    gaps_confirmed = models.BooleanField(_("issued with missing data"), default=False)
    # A regeneration renders the same snapshot again: same figures, even if data changed since.
    regenerated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="regenerations"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    snapshot = models.JSONField(_("content"), default=dict, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)
    data_as_of = models.DateTimeField(_("data as of"), null=True, blank=True)
    docx = models.FileField(upload_to=document_path, storage=private_storage, blank=True)
    xlsx = models.FileField(upload_to=document_path, storage=private_storage, blank=True)
    pdf = models.FileField(upload_to=document_path, storage=private_storage, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints: ClassVar[list[models.BaseConstraint]] = [
            models.CheckConstraint(
                condition=Q(kind="annual", agency_report__isnull=True)
                | Q(kind="agency", agency_report__isnull=False),
                name="reports_agency_document_has_its_report",
            ),
            # A draft never carries a number.
            models.CheckConstraint(
                condition=Q(is_draft=False) | Q(number__isnull=True),
                name="reports_draft_has_no_number",
            ),
        ]
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")

    def __str__(self) -> str:
        if self.is_draft:
            return f"{self.get_kind_display()} ({pgettext('official document', 'draft')} {self.pk})"
        number = self.number.display if self.number else _("no number")
        return f"{self.get_kind_display()} {number}"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
