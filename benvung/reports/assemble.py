"""What the official documents say, read from the data: the annual synthesis report of the
coordinator to the Provincial People's Committee, and each agency's own report to the
Department of Industry and Trade.

The result is plain data (`content.OfficialDocument`); the renderers never touch the database,
so a document regenerated from its stored snapshot shows the same figures. Texts are written in
English, translated to Vietnamese by the catalogue: documents are built in Vietnamese whatever
the language of the page that asked for them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from benvung.directory.models import Agency, Organisation
from benvung.indicators import registry
from benvung.indicators import selectors as indicators
from benvung.indicators.models import IndicatorResult
from benvung.plans import selectors as plans
from benvung.plans.models import Plan, Task
from benvung.reporting import consolidation, exports
from benvung.reporting import selectors as reporting
from benvung.reporting.models import AgencyReport, ReportingCycle, Synthesis, TaskReport

from . import readiness
from .content import (
    Appendix,
    Chart,
    Issuer,
    OfficialDocument,
    Paragraph,
    Section,
    Signature,
    Table,
)
from .models import AnnualReportText

LANGUAGE = "vi"  # the language of the documents sent to the authorities
RESOURCE_INDICATOR = "resource_consumption_reduction"
AGENCIES_APPENDIX = "IV"  # the agencies' own reports, after the targets, tasks and efficiency


# --- Formatting ------------------------------------------------------------------------------


def number(value: Decimal | float | int | None, places: int | None = None) -> str:
    """1.234,5 under the Vietnamese locale; integers without decimals; "—" for no value."""
    if value is None:
        return "—"
    if places is None:
        exact = Decimal(str(value))
        places = 0 if exact == exact.to_integral_value() else 1
    # Half up, as figures are rounded by hand (6,25 → 6,3), not to even.
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimal_pos=places, use_l10n=True, force_grouping=True)


def short_date(day: dt.date) -> str:
    """14/9/2022, as references to other documents are written (a leading zero for days below
    10 and for the months 1 and 2, the decree's rule for dates)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def paragraphs(text: str) -> list[Paragraph]:
    """A text typed in the system as paragraphs: one per line; "- " lines are list items."""
    result = []
    for line in (text or "").replace("\r\n", "\n").split("\n"):
        line = line.strip()
        if not line:
            continue
        if line[:2] in ("- ", "+ ", "• "):
            result.append(Paragraph(line[2:].strip(), "bullet"))
        else:
            result.append(Paragraph(line))
    return result


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def _sentence(text: str) -> str:
    """The text ending as a sentence: a full stop added unless it already ends one, also
    inside closing brackets or quotes ("(Dữ liệu mẫu.)" takes no second stop)."""
    text = text.strip()
    return text if not text or text.rstrip(")”\"'»")[-1:] in tuple(".;:!?…") else f"{text}."


# --- Who issues --------------------------------------------------------------------------------


# The word naming the level of an administrative unit, left out of the place of a document.
_UNIT_LEVEL = re.compile(
    r"^(phường|xã|thị trấn|đặc khu|thị xã|thành phố|quận|huyện|tỉnh)\s+", re.IGNORECASE
)


def place_of_unit(name: str) -> str:
    """ "Phường Biên Hòa" → "Biên Hòa": a people's committee dates its documents with the name
    of the place where it sits, without the word for the unit's level."""
    return _UNIT_LEVEL.sub("", name.strip()).strip() or name.strip()


def issuer_of(organisation: Organisation, place: str) -> Issuer:
    """The header block of an organisation: its parent authority and name in capitals.

    The name is printed without the province when the parent authority names it already
    ("UBND TỈNH ĐỒNG NAI" over "SỞ CÔNG THƯƠNG", not "SỞ CÔNG THƯƠNG TỈNH ĐỒNG NAI").

    `place` is the place of the date line ("Đồng Nai, ngày ..."); a people's committee uses
    the name of the unit it governs instead (Decree 30: the place where the issuer sits),
    e.g. "Biên Hòa, ngày ...".
    """
    agency = Agency.objects.filter(pk=organisation.pk).select_related("governed_unit").first()
    if agency is not None and agency.governed_unit is not None:
        place = place_of_unit(agency.governed_unit.name)
    parent = agency.parent_authority if agency else ""
    symbol = agency.symbol if agency else ""
    name = organisation.name
    province = re.search(r"\bTỈNH\s+(.+)$", parent.upper())
    if province:
        suffix = re.compile(rf"\s+tỉnh\s+{re.escape(province.group(1))}$", re.IGNORECASE)
        name = suffix.sub("", name)
    return Issuer(
        parent_authority=parent.upper(),
        name=name.upper(),
        symbol=symbol,
        place=place,
        name_in_text=name,
    )


def short_name(organisation: Organisation) -> str:
    return organisation.short_name or organisation.name


# --- Shared pieces -----------------------------------------------------------------------------


def plan_reference(plan: Plan) -> str:
    """ "Kế hoạch số 202/KH-UBND ngày 14/9/2022 của Ủy ban nhân dân tỉnh Đồng Nai"."""
    return _("Plan No. %(number)s of %(date)s of the %(issuer)s") % {
        "number": plan.number,
        "date": short_date(plan.issued_on),
        "issuer": plan.issuer.name,
    }


def plan_title(plan: Plan) -> str:
    """The plan's title as quoted in a sentence, with the document type it begins with: the
    title stored is "Hành động về sản xuất ..."; the plan is the "Kế hoạch hành động về sản
    xuất ..."."""
    title = plan.title.strip().rstrip(".")
    kind = _("Plan")
    if title.lower().startswith(kind.lower()):
        return title
    return f"{kind} {_lower_first(title)}"


def accepted_reports(cycle: ReportingCycle) -> list[AgencyReport]:
    return list(
        cycle.reports.filter(state=AgencyReport.State.ACCEPTED)
        .select_related("agency")
        .order_by("agency__name")
    )


def _grouped(items: Iterable[tuple[str, str]]) -> list[str]:
    """(name, text) pairs as list lines, agencies that wrote the same text named together:
    thirty communes reporting the same sentence make one line, not thirty."""
    return [f"- {', '.join(who)}: {text}" for who, text in consolidation.grouped(items)]


def _named_texts(reports: Iterable[AgencyReport], field: str) -> str:
    """Each agency's text of one field, as list items named by the agency."""
    items = []
    for report in reports:
        text = " ".join(p.text for p in paragraphs(getattr(report, field)))
        if text:
            items.append((short_name(report.agency), _sentence(text)))
    return "\n".join(_grouped(items))


def _annual_text_defaults(cycle: ReportingCycle) -> dict[str, str]:
    reports = accepted_reports(cycle)
    next_year = cycle.year + 1
    groups = []
    for group in plans.task_groups(cycle.plan):
        due = [t for t in group.tasks.all() if t.covers(next_year)]
        if due:
            # Outside the f-string: xgettext does not read strings inside f-string expressions.
            count = _("%(count)s tasks") % {"count": len(due)}
            groups.append(f"- {group.title} ({count}).")
    next_tasks = ""
    if groups:
        next_tasks = "\n".join(
            [
                _("Continue to carry out the tasks of the plan due in %(year)s:")
                % {"year": next_year},
                *groups,
            ]
        )
    return {
        "achievements": _named_texts(reports, "summary"),
        "limitations": _named_texts(reports, "difficulties"),
        "next_year_tasks": next_tasks,
        "proposals": _named_texts(reports, "proposals"),
        # "Như trên" is the addressee (the Provincial People's Committee): it is not named twice.
        "recipients": recipients_text(
            [
                _("As above"),
                _("The Director and Deputy Directors of the Department"),
                archive_line(""),
            ]
        ),
    }


def annual_text_defaults(cycle: ReportingCycle, drafting_unit: str = "") -> dict[str, str]:
    """What sections II-IV say until the coordinator writes them: the agencies' accepted
    reports (assessments, difficulties, proposals, named by agency), the plan's tasks due next
    year, and the usual recipients. The text editor offers the same as its starting point, in
    Vietnamese whatever the language of the page."""
    with translation.override(LANGUAGE):
        defaults = _annual_text_defaults(cycle)
        if drafting_unit:
            defaults["recipients"] = recipients_text(
                recipients_list(defaults["recipients"], drafting_unit)
            )
    return defaults


# "Lưu: VT, QLCN": the archive line of the recipients (the translation of "Archived: VT").
_ARCHIVE = re.compile(r"^(lưu|luu|archived)\s*:", re.IGNORECASE)


def archive_line(drafting_unit: str) -> str:
    """ "Lưu: VT" (the clerical office keeps the original), then the drafting unit's copy."""
    unit = drafting_unit.strip().rstrip(".;,").strip()
    line = _("Archived: VT")
    return f"{line}, {unit}" if unit else line


def _recipients(text: str) -> list[str]:
    """One recipient a line, without the list dash and the final punctuation the renderer
    adds ("- Như trên;" ... "- Lưu: VT.")."""
    result = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•+").strip().rstrip(";.,").strip()
        if line:
            result.append(line)
    return result


def recipients_list(text: str, drafting_unit: str = "") -> list[str]:
    """The recipients typed (one a line), with "Lưu: ..." once and last: a typed archive line
    is moved to the end (the first one typed is kept, with the drafting unit added when it
    does not name it); without one, "Lưu: VT[, unit]" is added. Build it under Vietnamese."""
    lines = _recipients(text)
    archives = [line for line in lines if _ARCHIVE.match(line)]
    others = [line for line in lines if not _ARCHIVE.match(line)]
    unit = drafting_unit.strip().rstrip(".;,").strip()
    if archives:
        archive = archives[0]
        kept = {part.strip().lower() for part in archive.split(":", 1)[-1].split(",")}
        if unit and unit.lower() not in kept:
            archive = f"{archive}, {unit}"
    else:
        archive = archive_line(unit)
    return [*others, archive]


def recipients_text(lines: Sequence[str]) -> str:
    """Recipients as the editor shows them: "- Như trên;" ... "- Lưu: VT, QLCN."."""
    return "\n".join(
        f"- {line}{'.' if i == len(lines) - 1 else ';'}" for i, line in enumerate(lines)
    )


def _provenance_result(row: IndicatorResult) -> dict[str, Any]:
    return {
        "id": row.pk,
        "indicator": row.indicator,
        "year": row.year,
        "scope": f"{row.scope_kind}:{row.scope_key}" if row.scope_key else row.scope_kind,
        "input_hash": row.input_hash,
        "computed_at": row.computed_at.isoformat(),
        "stale": row.stale,
    }


# --- The annual synthesis report ---------------------------------------------------------------


def annual_report(*, cycle: ReportingCycle, number: str, issued_on: dt.date) -> OfficialDocument:
    return annual_report_and_gaps(cycle=cycle, number=number, issued_on=issued_on)[0]


def annual_report_and_gaps(
    *, cycle: ReportingCycle, number: str, issued_on: dt.date
) -> tuple[OfficialDocument, list[readiness.Gap]]:
    """The annual report, and what its data lack (read once, from the same figures)."""
    with translation.override(LANGUAGE):
        annual = _Annual(cycle, number, issued_on)
        document = annual.build()
        return document, annual.gaps()


class _Annual:
    def __init__(self, cycle: ReportingCycle, number: str, issued_on: dt.date) -> None:
        self.cycle = cycle
        self.plan = Plan.objects.select_related("issuer", "coordinator").get(pk=cycle.plan_id)
        self.coordinator = self.plan.coordinator
        self.number = number
        self.issued_on = issued_on
        self.year = cycle.year
        self.read_at = timezone.now()
        self.progress = indicators.progress_list(plan=self.plan, year=self.year)
        self.reports = list(cycle.reports.select_related("agency").order_by("agency__name"))
        self.accepted = [r for r in self.reports if r.state == AgencyReport.State.ACCEPTED]
        self.text = AnnualReportText.objects.filter(cycle=cycle).first()
        self.results_used: dict[int, IndicatorResult] = {}
        self.provenance: dict[str, Any] = {}
        self._efficiency: Any = None
        self._withheld: dict[str, str] | None = None

    @property
    def efficiency(self) -> Any:
        """The year's energy and materials per unit of product (computed once: it is long)."""
        if self._efficiency is None:
            from benvung.resources import efficiency

            # Submitted figures only; the statuses settle (achieved or not) once the year's
            # cycle is closed, as on the portal.
            self._efficiency = efficiency.compute(
                self.year, final=reporting.figures_final(self.year)
            )
        return self._efficiency

    def gaps(self) -> list[readiness.Gap]:
        return readiness.annual_gaps(self.cycle, progress=self.progress, efficiency=self.efficiency)

    def build(self) -> OfficialDocument:
        plan = self.plan
        issuer = issuer_of(self.coordinator, plan.place)
        agency = short_name(self.coordinator)
        document = OfficialDocument(
            issuer=issuer,
            number=self.number,
            issued_on=self.issued_on,
            doc_type=_("REPORT").upper(),
            doc_type_symbol="BC",
            summary=_(
                "Results of implementing Plan No. %(number)s of %(date)s of the Provincial "
                "People's Committee in %(year)s"
            )
            % {"number": plan.number, "date": short_date(plan.issued_on), "year": self.year},
            addressees=[plan.issuer.name],
            introduction=[
                Paragraph(
                    _(
                        "Implementing %(plan)s “%(title)s”, the %(agency)s reports the results "
                        "of %(year)s as follows:"
                    )
                    % {
                        "plan": plan_reference(plan),
                        "title": plan_title(plan),
                        "agency": agency,
                        "year": self.year,
                    }
                )
            ],
            sections=[
                self.results(),
                self.assessment(),
                self.next_year(),
                self.proposals(),
            ],
            closing=[
                Paragraph(
                    _(
                        "Above is the report of the %(agency)s on the results of implementing "
                        "Plan No. %(number)s in %(year)s, respectfully submitted to the "
                        "%(addressee)s for consideration and direction./."
                    )
                    % {
                        "agency": agency,
                        "number": plan.number,
                        "year": self.year,
                        "addressee": plan.issuer.name,
                    }
                )
            ],
            signature=self.signature(),
            recipients=recipients_list(
                self.text.recipients
                if self.text and self.text.recipients.strip()
                else self.defaults["recipients"],
                self.text.drafting_unit if self.text else "",
            ),
            appendices=[
                self.targets_appendix(),
                self.tasks_appendix(),
                self.efficiency_appendix(),
                *self.agencies_appendix(),
            ],
        )
        document.provenance = self.collect_provenance()
        return document

    # -- I. Results by content area

    @property
    def defaults(self) -> dict[str, str]:
        if not hasattr(self, "_defaults"):
            self._defaults = _annual_text_defaults(self.cycle)
        return self._defaults

    def counts(self) -> list[Paragraph]:
        from benvung.outreach.models import OutreachActivity, SCPModel

        status = reporting.cycle_status(self.cycle, now=self.read_at)
        received = sum(1 for r in self.reports if r.state != AgencyReport.State.DRAFT)
        activities = OutreachActivity.objects.filter(start_date__year=self.year)
        participants = sum(a.participants or 0 for a in activities)
        # An official document counts what was reviewed: verified models only (a proposal
        # waiting for the Department's check is not yet a model of the plan).
        models = SCPModel.objects.filter(year=self.year, state=SCPModel.State.VERIFIED)
        surveys = _surveys_of(self.year)
        self.provenance["counts"] = {
            "expected": status.expected,
            "received": received,
            "accepted": len(self.accepted),
            "activities": sorted(activities.values_list("pk", flat=True)),
            "scp_models": sorted(models.values_list("pk", flat=True)),
            "surveys": sorted(surveys.values_list("pk", flat=True)) if surveys is not None else [],
        }
        if received:
            reported = _(
                "In %(year)s, %(received)s of the %(expected)s agencies expected to report sent "
                "their report to the Department; %(accepted)s reports were accepted."
            ) % {
                "year": self.year,
                "received": number(received),
                "expected": number(status.expected),
                "accepted": number(len(self.accepted)),
            }
        else:
            reported = _(
                "In %(year)s, none of the %(expected)s agencies expected to report has sent its "
                "report to the Department yet."
            ) % {"year": self.year, "expected": number(status.expected)}
        lines = [reported]
        # What was recorded, said only of what there is: a year without records says so in a
        # sentence, not with a row of zeros.
        recorded = {
            "activities": number(activities.count()),
            "participants": number(participants),
            "models": number(models.count()),
        }
        if activities.exists() and models.exists():
            lines.append(
                _(
                    "The agencies recorded %(activities)s outreach activities with "
                    "%(participants)s participants, and %(models)s sustainable production and "
                    "consumption models were verified."
                )
                % recorded
            )
        elif activities.exists():
            lines.append(
                _(
                    "The agencies recorded %(activities)s outreach activities with "
                    "%(participants)s participants."
                )
                % recorded
            )
        elif models.exists():
            lines.append(
                _("%(models)s sustainable production and consumption models were verified.")
                % recorded
            )
        survey_count = surveys.count() if surveys is not None else 0
        if survey_count:
            lines.append(
                _("%(surveys)s packaging surveys of supermarkets and trade centres were recorded.")
                % {"surveys": number(survey_count)}
            )
        if not (activities.exists() or models.exists() or survey_count):
            lines.append(
                _(
                    "No outreach activity, sustainable production and consumption model or "
                    "packaging survey was recorded in the system for %(year)s."
                )
                % {"year": self.year}
            )
        return [Paragraph(line) for line in lines]

    def results(self) -> Section:
        syntheses = {
            s.content_area_id: s
            for s in Synthesis.objects.filter(cycle=self.cycle).select_related("content_area")
        }
        self.provenance["syntheses"] = [
            {"id": s.pk, "area": s.content_area.number, "version": s.version}
            for s in syntheses.values()
        ]
        by_area: dict[int, list[indicators.Progress]] = defaultdict(list)
        for progress in self._current_targets():
            definition = progress.definition
            for area_number in definition.content_areas if definition else ():
                by_area[area_number].append(progress)
        clauses = []
        suggested = []
        for area in self.plan.content_areas.filter(retired_at__isnull=True).order_by("number"):
            synthesis = syntheses.get(area.pk)
            body = paragraphs(synthesis.text) if synthesis else []
            if not body:
                # No consolidated text: a short synthesis of the accepted reports (the full
                # texts go to the agencies' appendix), as the consolidation editor suggests.
                body = paragraphs(
                    consolidation.suggestion(
                        consolidation.entries_of(self.cycle, area), year=self.year
                    )
                )
                if body:
                    suggested.append(area.number)
            body += [self._figure(p) for p in by_area.get(area.number, [])]
            if not body:
                body = [
                    Paragraph(
                        _("No result was reported on this content area in %(year)s.")
                        % {"year": self.year}
                    )
                ]
            clauses.append(Section(heading=area.title, paragraphs=body))
        self.provenance["suggested_areas"] = suggested
        counts = self.counts()
        if self._narratives():
            counts.append(
                Paragraph(
                    _(
                        "What each agency reported on each task is in Appendix %(numeral)s; "
                        "this section sums it up by content area of the plan."
                    )
                    % {"numeral": AGENCIES_APPENDIX}
                )
            )
        return Section(
            heading=_("Results of implementation in %(year)s") % {"year": self.year},
            paragraphs=counts,
            clauses=clauses,
        )

    def _narratives(self) -> bool:
        """Whether an accepted report says anything of a task (then the agencies' appendix
        holds it)."""
        return (
            TaskReport.objects.filter(
                report__cycle=self.cycle, report__state=AgencyReport.State.ACCEPTED
            )
            .exclude(narrative="")
            .exists()
        )

    def _current_targets(self) -> list[indicators.Progress]:
        """Per indicator, the target whose milestone is the nearest still ahead (or the last)."""
        return readiness.current_targets(self.progress, self.year)

    def _figure(self, p: indicators.Progress) -> Paragraph:
        if p.result is not None:
            self.results_used[p.result.pk] = p.result
        target = p.target
        name = p.definition.name if p.definition else target.indicator_code
        if p.value is None:
            value = _("no value could be computed yet")
        else:
            shown = _with_unit(number(abs(p.value) if p.value < 0 else p.value), p)
            if p.value < 0 and p.definition is not None and p.definition.negative_phrase:
                # "Giảm ...: không giảm mà tăng 0,19 %", never "giảm -0,19 %".
                shown = str(p.definition.negative_phrase) % {"value": shown}
            elif p.value < 0:
                shown = _with_unit(number(p.value), p)
            value = _("%(value)s in %(year)s") % {"value": shown, "year": p.value_year}
        text = _(
            "Key figure — %(name)s: %(value)s (target %(target)s by %(milestone)s); "
            "assessment: %(status)s."
        ) % {
            "name": name,
            "value": value,
            "target": p.target_label,
            "milestone": p.milestone_year,
            "status": p.status_label,
        }
        if p.withheld_note:
            # The year's own figure is below its coverage rule: the value is an earlier year's.
            text = f"{text} {p.withheld_note}"
        return Paragraph(text, "italic")

    # -- II-IV. The coordinator's texts

    def _text(self, field: str) -> list[Paragraph]:
        written = getattr(self.text, field, "") if self.text else ""
        return paragraphs(written) or paragraphs(self.defaults[field]) or [Paragraph(_("None."))]

    def assessment(self) -> Section:
        return Section(
            heading=_("General assessment"),
            clauses=[
                Section(heading=_("Achievements"), paragraphs=self._text("achievements")),
                Section(
                    heading=_("Limitations and their causes"),
                    paragraphs=self._text("limitations"),
                ),
            ],
        )

    def next_year(self) -> Section:
        return Section(
            heading=_("Main tasks for %(year)s") % {"year": self.year + 1},
            paragraphs=self._text("next_year_tasks"),
        )

    def proposals(self) -> Section:
        return Section(heading=_("Proposals"), paragraphs=self._text("proposals"))

    def signature(self) -> Signature:
        text = self.text
        if text and (text.signer_title or text.signer_name):
            return Signature(
                authority=text.signer_authority.upper(),
                title=text.signer_title.upper(),
                name=text.signer_name,
            )
        # The plan's signer signs for the plan's issuer: only the issuer's own reports use it.
        if self.plan.issuer_id == self.coordinator.pk and self.plan.signer_name:
            return Signature(
                authority="", title=self.plan.signer_title.upper(), name=self.plan.signer_name
            )
        return head_signature(self.coordinator)

    # -- Appendices

    def targets_appendix(self) -> Appendix:
        rows = []
        for index, p in enumerate(sorted(self.progress, key=lambda p: p.target.position), 1):
            if p.result is not None:
                self.results_used[p.result.pk] = p.result
            baseline = (
                _("%(value)s (%(year)s)")
                % {"value": _with_unit(number(p.baseline_value), p), "year": p.baseline_year}
                if p.baseline_value is not None
                else "—"
            )
            latest = (
                _("%(value)s (%(year)s)")
                % {"value": _with_unit(number(p.value), p), "year": p.value_year}
                if p.value is not None
                else "—"
            )
            rows.append(
                [
                    str(index),
                    p.target.text,
                    baseline,
                    latest,
                    _("%(band)s by %(year)s") % {"band": p.target_label, "year": p.milestone_year},
                    p.status_label,
                ]
            )
        return Appendix(
            numeral="I",
            title=_("Progress towards the targets of the plan up to %(year)s")
            % {"year": self.year},
            tables=[
                Table(
                    caption=_("Targets of Plan No. %(number)s") % {"number": self.plan.number},
                    columns=[
                        _("No."),
                        _("Target"),
                        _("Baseline"),
                        _("Latest value"),
                        _("Target value"),
                        _("Status"),
                    ],
                    rows=rows,
                    widths_cm=[1.3, 6.2, 2.3, 2.3, 2.3, 2.4],
                    numeric=[False, False, True, True, False, False],
                )
            ],
        )

    def tasks_appendix(self) -> Appendix:
        """One row per task of the plan: its agencies and period, and this year's status and
        results from the accepted reports (the lead agencies' words; co-agencies counted)."""
        on = self.cycle.report_deadline
        entries: dict[int, list[TaskReport]] = defaultdict(list)
        for entry in (
            TaskReport.objects.filter(
                report__cycle=self.cycle, report__state=AgencyReport.State.ACCEPTED
            )
            .select_related("report__agency", "task")
            .order_by("report__agency__name")
        ):
            entries[entry.task_id].append(entry)
        memo: plans.Memo = {}
        rows = []
        for group in plans.task_groups(self.plan):
            for task in group.tasks.all():
                people = plans.assignees(task, on, memo)
                leads = {o.pk for a in people if a.role == "lead" for o in a.responsible}
                status, results = exports._year_summary(
                    task, entries.get(task.pk, []), self.cycle, leads
                )
                rows.append(
                    [
                        task.code,
                        task.content,
                        task.lead_text + exports._changed_note(people, "lead"),
                        task.co_text,
                        _period(task),
                        status,
                        results,
                    ]
                )
        self.provenance["tasks"] = sum(1 for _row in rows)
        return Appendix(
            numeral="II",
            title=_("Tasks of the plan and their implementation in %(year)s") % {"year": self.year},
            landscape=True,
            tables=[
                Table(
                    caption=_("Tasks of Plan No. %(number)s") % {"number": self.plan.number},
                    columns=[
                        _("No."),
                        _("Task"),
                        _("Lead agency"),
                        _("Co-agencies"),
                        _("Period"),
                        _("Status in %(year)s") % {"year": self.year},
                        _("Results in %(year)s") % {"year": self.year},
                    ],
                    rows=rows,
                    # The No. column holds "VIII.1" on one line.
                    widths_cm=[1.7, 6.3, 3.0, 3.5, 2.2, 3.5, 6.3],
                )
            ],
        )

    def efficiency_appendix(self) -> Appendix:
        """Energy and materials per unit of product by focus sector. A year no enterprise has
        submitted figures for says so in a sentence: no table of zeros, no empty chart."""
        from benvung.resources import efficiency

        result = self.efficiency
        self.provenance["efficiency"] = {
            "year": result.year,
            "baseline_setting": result.baseline_setting,
            "site_years": sorted({p.site_year_id for p in result.products}),
            "submitted_enterprises": readiness.submitted_enterprises(result),
        }
        title = _("Energy and materials per unit of product in the focus industries, %(year)s") % {
            "year": self.year
        }
        if readiness.submitted_enterprises(result) == 0:
            return Appendix(
                numeral="III",
                title=title,
                intro=[
                    Paragraph(
                        _(
                            "No enterprise has submitted its energy and production figures for "
                            "%(year)s yet: the reduction of energy and materials per unit of "
                            "product cannot be computed for the year."
                        )
                        % {"year": self.year}
                    )
                ],
                charts=self.efficiency_charts(result, sectors=False),
            )
        rows = []
        withheld = self.withheld_sectors()
        for sector in [*result.sectors, result.province]:
            band = sector.band
            why = withheld.get(sector.key)
            rows.append(
                [
                    sector.name if sector.key != "*" else _("Whole province"),
                    number(sector.enterprises),
                    # Below the indicator's coverage rule the figure is not given, as on the
                    # portal: the cell says why instead.
                    why or _percent(sector.energy.improvement),
                    "—" if why else _percent(sector.materials.improvement),
                    _("%(low)s–%(high)s %% by %(year)s")
                    % {
                        "low": number(100 * band[0]),
                        "high": number(100 * band[1]),
                        "year": sector.milestone_year,
                    }
                    if band
                    else "—",
                    str(
                        efficiency.STATUS_LABELS[
                            efficiency.calc.INSUFFICIENT if why else sector.status
                        ]
                    ),
                ]
            )
        return Appendix(
            numeral="III",
            title=title,
            intro=[
                Paragraph(
                    _(
                        "Reduction of the energy used per unit of product compared with the "
                        "baseline year %(baseline)s, weighted by production."
                    )
                    % {"baseline": result.baseline_setting},
                    "italic",
                )
            ],
            tables=[
                Table(
                    caption=_("Reduction by sector"),
                    columns=[
                        _("Sector"),
                        _("Enterprises"),
                        _("Energy per unit of product"),
                        _("Materials per unit of product"),
                        _("Target reduction"),
                        _("Status"),
                    ],
                    rows=rows,
                    widths_cm=[4.5, 2.0, 2.5, 2.5, 2.8, 2.5],
                    numeric=[False, True, True, True, False, False],
                )
            ],
            charts=self.efficiency_charts(result, sectors=True),
        )

    def withheld_sectors(self) -> dict[str, str]:
        """Sector keys ("*" for the province) whose figure of the year is below the coverage
        rule of the indicator, with why ("Chưa đủ số liệu: 1/4 doanh nghiệp đã gửi.")."""
        from benvung.resources import selectors as resources

        if self._withheld is None:
            rule = registry.get(RESOURCE_INDICATOR).coverage_rule
            coverage = resources.reporting_coverage(self.year)
            found: dict[str, str] = {}
            keys = ["*", *coverage.expected]
            for key in keys:
                counted, expected = coverage.of(key)
                why = rule and registry.shortfall(rule, registry.Coverage(counted, expected))
                if why:
                    found[key] = registry.note_text(why)
            self._withheld = found
        return self._withheld

    def efficiency_charts(self, result: Any, *, sectors: bool) -> list[Chart]:
        """The province's reduction by year (line) and, when `sectors`, the year's reduction by
        sector (bars). A chart without any value is left out; figures are numbered as they
        are printed."""
        rows = [
            r
            for r in indicators.series(indicator=RESOURCE_INDICATOR)
            if r.year <= self.year and r.year >= self.plan.period_start
        ]
        for row in rows:
            self.results_used[row.pk] = row
        by_year = {r.year: r for r in rows}
        years = list(range(self.plan.period_start, self.year + 1))
        band = next((s.band for s in [result.province] if s.band), None)
        shaded = (round(100 * band[0], 2), round(100 * band[1], 2)) if band else None
        line = Chart(
            caption=_("Reduction of energy per unit of product in the province, by year (%)"),
            kind="line",
            labels=[str(y) for y in years],
            series=[
                (
                    _("Whole province"),
                    [
                        None
                        if by_year.get(y) is None or by_year[y].value is None
                        else round(float(by_year[y].value), 2)  # type: ignore[arg-type]
                        for y in years
                    ],
                )
            ],
            unit="%",
            band=shaded,
        )
        charts = [line]
        if sectors:
            charts.append(
                Chart(
                    caption=_("Reduction of energy per unit of product by sector, %(year)s (%%)")
                    % {"year": self.year},
                    kind="bar",
                    labels=[s.name for s in result.sectors],
                    series=[
                        (
                            str(self.year),
                            [
                                None
                                if s.energy.improvement is None or s.key in self.withheld_sectors()
                                else round(100 * s.energy.improvement, 2)
                                for s in result.sectors
                            ],
                        )
                    ],
                    unit="%",
                    band=shaded,
                )
            )
        drawn = [chart for chart in charts if chart.has_values()]
        for n, chart in enumerate(drawn, start=1):
            chart.caption = _("Figure %(n)s. %(caption)s") % {"n": n, "caption": chart.caption}
        return drawn

    def agencies_appendix(self) -> list[Appendix]:
        """The accepted reports' full texts, by content area and task (lead agencies first):
        what section I sums up. None when no accepted report says anything."""
        parts = []
        memo: plans.Memo = {}
        for area in self.plan.content_areas.filter(retired_at__isnull=True).order_by("number"):
            entries = [
                e for e in reporting.accepted_narratives(self.cycle, area.pk) if e.narrative.strip()
            ]
            if not entries:
                continue
            by_task: dict[int, list[TaskReport]] = defaultdict(list)
            for entry in entries:
                by_task[entry.task_id].append(entry)
            points = []
            for task_entries in by_task.values():
                task = task_entries[0].task
                leads = {
                    o.pk
                    for a in plans.assignees(task, self.cycle.report_deadline, memo)
                    if a.role == "lead"
                    for o in a.responsible
                }
                ordered = sorted(task_entries, key=lambda e: e.report.agency_id not in leads)
                items = []
                for entry in ordered:
                    name = short_name(entry.report.agency)
                    if entry.report.agency_id in leads:
                        name = _("%(agency)s (lead agency)") % {"agency": name}
                    items.append((name, _sentence(" ".join(entry.narrative.split()))))
                points.append(
                    Section(
                        heading=f"{task.code}. {task.content}",
                        paragraphs=[
                            Paragraph(f"{', '.join(names)}: {text}", "bullet")
                            for names, text in consolidation.grouped(items)
                        ],
                    )
                )
            parts.append(Section(heading=area.title, clauses=points))
        if not parts:
            return []
        return [
            Appendix(
                numeral=AGENCIES_APPENDIX,
                title=_("Summary of the reports of the agencies and units, %(year)s")
                % {"year": self.year},
                intro=[
                    Paragraph(
                        _(
                            "What the accepted reports of the agencies say of the tasks of each "
                            "content area, as they wrote it."
                        ),
                        "italic",
                    )
                ],
                sections=parts,
            )
        ]

    def collect_provenance(self) -> dict[str, Any]:
        cycle = self.cycle
        text = self.text
        return {
            **self.provenance,
            "kind": "annual",
            "plan": {
                "id": self.plan.pk,
                "number": self.plan.number,
                "source_sha256": self.plan.source_sha256,
            },
            "cycle": {"id": cycle.pk, "year": cycle.year, "state": cycle.state},
            "issuer": {"id": self.coordinator.pk, "key": self.coordinator.key},
            "agency_reports": [
                {
                    "id": r.pk,
                    "agency": r.agency.key or r.agency_id,
                    "state": r.state,
                    "version": r.version,
                }
                for r in self.reports
            ],
            "annual_text": {"id": text.pk, "version": text.version} if text else None,
            "targets": [
                {"id": p.target.pk, "code": p.target.code, "status": p.status}
                for p in self.progress
            ],
            "indicator_results": [
                _provenance_result(r) for r in sorted(self.results_used.values(), key=_key)
            ],
            "computed_at": _latest_computation(self.results_used.values()),
            "read_at": self.read_at.isoformat(),
        }


def _key(row: IndicatorResult) -> tuple[str, int, str, str]:
    return (row.indicator, row.year, row.scope_kind, row.scope_key)


def _latest_computation(rows: Iterable[IndicatorResult]) -> str | None:
    times = [r.computed_at for r in rows]
    return max(times).isoformat() if times else None


def _surveys_of(year: int) -> Any:
    try:
        from benvung.retail.models import PackagingSurvey
    except ImportError:  # pragma: no cover - the retail app is optional in this report
        return None
    return PackagingSurvey.objects.filter(year=year)


def _with_unit(value: str, p: indicators.Progress) -> str:
    """ "31 hoạt động": the figure with its unit. The plan file writes the unit in Vietnamese
    (or leaves it empty for a qualitative target such as T6); the indicator definition's unit,
    translated, is the one printed, so a qualitative target's count has its unit too."""
    unit = p.target.unit or ""
    if unit != "%" and p.definition is not None and str(p.definition.unit):
        unit = str(p.definition.unit)
    if not unit:
        return value
    return f"{value} {unit}"


def _percent(fraction: float | None) -> str:
    return "—" if fraction is None else f"{number(100 * fraction, 1)} %"


def _period(task: Task) -> str:
    years = f"{task.period_start}–{task.period_end}"
    if task.frequency == Task.Frequency.ANNUAL:
        return _("%(years)s (every year)") % {"years": years}
    return years


def head_signature(organisation: Organisation) -> Signature:
    """The head of the organisation signs; the name line is left for the signer to fill in."""
    agency = Agency.objects.filter(pk=organisation.pk).first()
    kind = agency.agency_type if agency else ""
    if kind in (Agency.AgencyType.DISTRICT_COMMITTEE, Agency.AgencyType.COMMUNE_COMMITTEE):
        return Signature(
            authority=_("On behalf of the People's Committee").upper(),
            title=_("Chairperson").upper(),
            name="",
        )
    if kind == Agency.AgencyType.DEPARTMENT:
        return Signature(authority="", title=_("Director").upper(), name="")
    if kind == Agency.AgencyType.BOARD:
        return Signature(authority="", title=_("Head of the board").upper(), name="")
    return Signature(authority="", title=_("Head of the agency").upper(), name="")


# --- An agency's own report --------------------------------------------------------------------


def agency_report(
    *,
    report: AgencyReport,
    number: str,
    issued_on: dt.date,
    signature: Signature | None = None,
    recipients: Sequence[str] | None = None,
) -> OfficialDocument:
    """An agency's own report. `signature` replaces the head's signature block field by field
    (an empty field keeps the default); `recipients`, one a line, replace "Như trên; Lưu: VT"
    ("Lưu: ..." is kept last)."""
    with translation.override(LANGUAGE):
        return _agency_report(report, number, issued_on, signature, recipients)


def _task_texts(entries: Iterable[TaskReport], field: str) -> list[Paragraph]:
    """The tasks' own texts of one field, as list items named by task code (tasks with the
    same text named together): what sections III and IV say when the report's own is empty."""
    lines = _grouped(
        (entry.task.code, _sentence(" ".join(p.text for p in paragraphs(getattr(entry, field)))))
        for entry in entries
        if getattr(entry, field).strip()
    )
    return [Paragraph(line[2:], "bullet") for line in lines]


def _agency_signature(agency: Organisation, given: Signature | None) -> Signature:
    default = head_signature(agency)
    if given is None:
        return default
    return Signature(
        authority=given.authority.strip().upper() or default.authority,
        title=given.title.strip().upper() or default.title,
        name=given.name.strip() or default.name,
    )


def _agency_report(
    report: AgencyReport,
    doc_number: str,
    issued_on: dt.date,
    signature: Signature | None = None,
    recipients: Sequence[str] | None = None,
) -> OfficialDocument:
    report = AgencyReport.objects.select_related("cycle__plan__issuer", "agency").get(pk=report.pk)
    cycle = report.cycle
    plan = Plan.objects.select_related("issuer", "coordinator").get(pk=cycle.plan_id)
    agency = report.agency
    year = cycle.year
    entries = list(
        report.task_reports.select_related("task__group").order_by(
            "task__group__position", "task__number"
        )
    )
    task_clauses = []
    for entry in entries:
        body = [
            Paragraph(
                _("Status: %(status)s.") % {"status": entry.get_status_display()},
                "italic",
            ),
            *paragraphs(entry.narrative),
        ]
        figures = _task_figures(entry)
        if figures:
            body.append(Paragraph(_sentence("; ".join(figures))))
        if entry.difficulties.strip():
            body.append(
                Paragraph(_("Difficulties: %(text)s") % {"text": _sentence(entry.difficulties)})
            )
        if entry.proposals.strip():
            body.append(Paragraph(_("Proposals: %(text)s") % {"text": _sentence(entry.proposals)}))
        task_clauses.append(
            Section(heading=f"{entry.task.content} ({entry.task.code})", paragraphs=body)
        )
    records = reporting.records_of(agency, year)
    record_clauses, record_ids = _records(records)
    sections = [
        Section(
            heading=_("Results of implementing the assigned tasks"),
            paragraphs=paragraphs(report.summary),
            clauses=task_clauses,
        ),
        Section(
            heading=_("Activities and models recorded in the system"),
            clauses=record_clauses,
            paragraphs=[]
            if record_clauses
            else [Paragraph(_("Nothing was recorded in the system in %(year)s.") % {"year": year})],
        ),
        Section(
            heading=_("Difficulties and obstacles"),
            paragraphs=paragraphs(report.difficulties)
            or _task_texts(entries, "difficulties")
            or [Paragraph(_("None."))],
        ),
        Section(
            heading=_("Proposals"),
            paragraphs=paragraphs(report.proposals)
            or _task_texts(entries, "proposals")
            or [Paragraph(_("None."))],
        ),
    ]
    coordinator = plan.coordinator
    issuer = issuer_of(agency, plan.place)
    # The agency names itself in full ("Sở Nông nghiệp và Môi trường"), never by an abbreviation.
    own_name = issuer.name_in_text or agency.name
    document = OfficialDocument(
        issuer=issuer,
        number=doc_number,
        issued_on=issued_on,
        doc_type=_("REPORT").upper(),
        doc_type_symbol="BC",
        summary=_("Results of implementing Plan No. %(number)s of %(date)s in %(year)s")
        % {"number": plan.number, "date": short_date(plan.issued_on), "year": year},
        addressees=[coordinator.name],
        introduction=[
            Paragraph(
                _(
                    "Implementing %(plan)s “%(title)s”, the %(agency)s reports the results of "
                    "the tasks assigned to it in %(year)s as follows:"
                )
                % {
                    "plan": plan_reference(plan),
                    "title": plan_title(plan),
                    "agency": own_name,
                    "year": year,
                }
            )
        ],
        sections=sections,
        closing=[
            Paragraph(
                _(
                    "Above is the report of the %(agency)s on the results of implementing Plan "
                    "No. %(number)s in %(year)s, sent to the %(coordinator)s for consolidation "
                    "and reporting to the Provincial People's Committee./."
                )
                % {
                    "agency": own_name,
                    "number": plan.number,
                    "year": year,
                    "coordinator": short_name(coordinator),
                }
            )
        ],
        signature=_agency_signature(agency, signature),
        recipients=recipients_list(
            "\n".join(recipients) if recipients else f"{_('As above')}\n{archive_line('')}"
        ),
    )
    document.provenance = {
        "kind": "agency",
        "plan": {"id": plan.pk, "number": plan.number, "source_sha256": plan.source_sha256},
        "cycle": {"id": cycle.pk, "year": year, "state": cycle.state},
        "issuer": {"id": agency.pk, "key": agency.key},
        "agency_report": {
            "id": report.pk,
            "state": report.state,
            "version": report.version,
            "accepted_at": report.accepted_at.isoformat() if report.accepted_at else None,
        },
        "task_reports": [e.pk for e in entries],
        "records": record_ids,
        "read_at": timezone.now().isoformat(),
    }
    return document


def _task_figures(entry: TaskReport) -> list[str]:
    figures = []
    labelled = [
        (entry.events_held, _("events held: %(n)s")),
        (entry.participants, _("participants: %(n)s")),
        (entry.enterprises_reached, _("enterprises reached: %(n)s")),
        (entry.models_built, _("models built: %(n)s")),
        (entry.documents_issued, _("documents issued: %(n)s")),
    ]
    for value, text in labelled:
        if value is not None:
            figures.append(text % {"n": number(value)})
    if entry.budget_vnd:
        parts = ", ".join(
            f"{label} {number(amount)}" for label, amount in entry.budget_rows() if amount
        )
        if parts:
            figures.append(
                _("funds spent: %(total)s VND (%(parts)s)")
                % {"total": number(entry.budget_total), "parts": parts}
            )
    if figures:
        figures[0] = figures[0][:1].upper() + figures[0][1:]
    return figures


def _records(records: dict[str, Any]) -> tuple[list[Section], dict[str, list[int]]]:
    clauses = []
    ids: dict[str, list[int]] = {}
    activities = list(records.get("activities") or [])
    if activities:
        ids["activities"] = [a.pk for a in activities]
        items = []
        for a in activities:
            line = f"{a.title} ({a.start_date:%d/%m/%Y}"
            if a.participants is not None:
                line += ", " + _("%(n)s participants") % {"n": number(a.participants)}
            items.append(Paragraph(line + ").", "bullet"))
        clauses.append(
            Section(
                heading=_("Outreach activities: %(n)s") % {"n": number(len(activities))},
                paragraphs=items,
            )
        )
    models = list(records.get("scp_models") or [])
    if models:
        ids["scp_models"] = [m.pk for m in models]
        clauses.append(
            Section(
                heading=_("Sustainable production and consumption models: %(n)s")
                % {"n": number(len(models))},
                paragraphs=[
                    Paragraph(
                        f"{m.title} ({m.organisation.name}; {m.get_state_display()}).", "bullet"
                    )
                    for m in models
                ],
            )
        )
    surveys = records.get("surveys")
    surveys = list(surveys) if surveys is not None else []
    if surveys:
        ids["surveys"] = [s.pk for s in surveys]
        clauses.append(
            Section(
                heading=_("Packaging surveys of retail outlets: %(n)s")
                % {"n": number(len(surveys))},
                paragraphs=[
                    Paragraph(f"{s.outlet.name} ({s.get_eco_packaging_display()}).", "bullet")
                    for s in surveys
                ],
            )
        )
    return clauses, ids


def data_as_of(document: OfficialDocument) -> dt.datetime:
    """The moment the data behind the document were read."""
    read_at = document.provenance.get("read_at")
    return dt.datetime.fromisoformat(read_at) if read_at else timezone.now()


__all__ = ["agency_report", "annual_report", "annual_text_defaults", "data_as_of", "number"]
