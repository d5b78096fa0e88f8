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
from benvung.indicators import selectors as indicators
from benvung.indicators.models import IndicatorResult
from benvung.plans import selectors as plans
from benvung.plans.models import Plan, Task
from benvung.reporting import consolidation, exports
from benvung.reporting import selectors as reporting
from benvung.reporting.models import AgencyReport, ReportingCycle, Synthesis, TaskReport

from . import readiness, sections
from .content import (
    Appendix,
    Issuer,
    OfficialDocument,
    Paragraph,
    Section,
    Signature,
    Table,
)
from .sections import Annual

LANGUAGE = "vi"  # the language of the documents sent to the authorities
AGENCIES = "agencies"  # the key of the agencies' own reports among the appendices


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
        annual = Annual.read(cycle, number, issued_on)
        document = _annual_document(annual)
        gaps = readiness.annual_gaps(cycle, progress=annual.progress, annual=annual)
        return document, gaps


def _annual_document(annual: Annual) -> OfficialDocument:
    """The document laid out, its parts asked of the registries (`sections`) in their order."""
    plan = annual.plan
    coordinator = plan.coordinator
    issuer = issuer_of(coordinator, plan.place)
    agency = short_name(coordinator)
    # The appendices first: section I refers to the agencies' appendix by its numeral, and
    # appendices are numbered as they are printed (one a domain leaves out takes none).
    appendices: list[Appendix] = []
    for key, part in sections.in_order(sections.APPENDICES):
        appendix = part.build(annual)
        if appendix is not None:
            appendix.numeral = sections.numeral(len(appendices) + 1)
            annual.numerals[key] = appendix.numeral
            appendices.append(appendix)
    # What the parts note of their data is kept in the order they are printed.
    noted = dict(annual.provenance)
    annual.provenance.clear()
    numbered = [part.build(annual) for _key, part in sections.in_order(sections.SECTIONS)]
    annual.provenance.update(noted)
    document = OfficialDocument(
        issuer=issuer,
        number=annual.number,
        issued_on=annual.issued_on,
        doc_type=_("REPORT").upper(),
        doc_type_symbol="BC",
        summary=_(
            "Results of implementing Plan No. %(number)s of %(date)s of the Provincial "
            "People's Committee in %(year)s"
        )
        % {"number": plan.number, "date": short_date(plan.issued_on), "year": annual.year},
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
                    "year": annual.year,
                }
            )
        ],
        sections=numbered,
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
                    "year": annual.year,
                    "addressee": plan.issuer.name,
                }
            )
        ],
        signature=_annual_signature(annual),
        recipients=recipients_list(
            annual.text.recipients
            if annual.text and annual.text.recipients.strip()
            else _defaults(annual)["recipients"],
            annual.text.drafting_unit if annual.text else "",
        ),
        appendices=appendices,
    )
    document.provenance = _annual_provenance(annual)
    return document


def _defaults(annual: Annual) -> dict[str, str]:
    return annual.cached("reports.defaults", lambda: _annual_text_defaults(annual.cycle))


# -- I. Results by content area


def _counts(annual: Annual) -> list[Paragraph]:
    """How many agencies reported, then what each domain app says was recorded in the year."""
    status = reporting.cycle_status(annual.cycle, now=annual.read_at)
    received = sum(1 for r in annual.reports if r.state != AgencyReport.State.DRAFT)
    accepted = len(annual.accepted)
    annual.provenance["counts"] = {
        "expected": status.expected,
        "received": received,
        "accepted": accepted,
    }
    if received:
        reported = _(
            "In %(year)s, %(received)s of the %(expected)s agencies expected to report sent "
            "their report to the Department; %(accepted)s reports were accepted."
        ) % {
            "year": annual.year,
            "received": number(received),
            "expected": number(status.expected),
            "accepted": number(accepted),
        }
    else:
        reported = _(
            "In %(year)s, none of the %(expected)s agencies expected to report has sent its "
            "report to the Department yet."
        ) % {"year": annual.year, "expected": number(status.expected)}
    lines = [reported]
    # What was recorded, said only of what there is: a year without records says so in a
    # sentence, not with a row of zeros.
    recorded = [
        line for _key, part in sections.in_order(sections.RECORDED) for line in part.build(annual)
    ]
    lines += recorded
    if not recorded:
        # The sentence names what the domain apps count today (outreach, retail): a domain
        # that adds its own count extends it.
        lines.append(
            _(
                "No outreach activity, sustainable production and consumption model or "
                "packaging survey was recorded in the system for %(year)s."
            )
            % {"year": annual.year}
        )
    return [Paragraph(line) for line in lines]


def results_section(annual: Annual) -> Section:
    syntheses = {
        s.content_area_id: s
        for s in Synthesis.objects.filter(cycle=annual.cycle).select_related("content_area")
    }
    annual.provenance["syntheses"] = [
        {"id": s.pk, "area": s.content_area.number, "version": s.version}
        for s in syntheses.values()
    ]
    by_area: dict[int, list[indicators.Progress]] = defaultdict(list)
    for progress in readiness.current_targets(annual.progress, annual.year):
        definition = progress.definition
        for area_number in definition.content_areas if definition else ():
            by_area[area_number].append(progress)
    clauses = []
    suggested = []
    for area in annual.plan.content_areas.filter(retired_at__isnull=True).order_by("number"):
        synthesis = syntheses.get(area.pk)
        body = paragraphs(synthesis.text) if synthesis else []
        if not body:
            # No consolidated text: a short synthesis of the accepted reports (the full
            # texts go to the agencies' appendix), as the consolidation editor suggests.
            body = paragraphs(
                consolidation.suggestion(
                    consolidation.entries_of(annual.cycle, area), year=annual.year
                )
            )
            if body:
                suggested.append(area.number)
        body += [_figure(annual, p) for p in by_area.get(area.number, [])]
        if not body:
            body = [
                Paragraph(
                    _("No result was reported on this content area in %(year)s.")
                    % {"year": annual.year}
                )
            ]
        clauses.append(Section(heading=area.title, paragraphs=body))
    annual.provenance["suggested_areas"] = suggested
    counts = _counts(annual)
    if _narratives(annual):
        # Printed when an accepted report says anything of a task; the appendix is the
        # agencies' (the next numeral should it be left out, as it was always printed).
        appendix = annual.numerals.get(AGENCIES) or sections.numeral(len(annual.numerals) + 1)
        counts.append(
            Paragraph(
                _(
                    "What each agency reported on each task is in Appendix %(numeral)s; "
                    "this section sums it up by content area of the plan."
                )
                % {"numeral": appendix}
            )
        )
    return Section(
        heading=_("Results of implementation in %(year)s") % {"year": annual.year},
        paragraphs=counts,
        clauses=clauses,
    )


def _narratives(annual: Annual) -> bool:
    """Whether an accepted report says anything of a task (then the agencies' appendix
    holds it)."""
    return (
        TaskReport.objects.filter(
            report__cycle=annual.cycle, report__state=AgencyReport.State.ACCEPTED
        )
        .exclude(narrative="")
        .exists()
    )


def _figure(annual: Annual, p: indicators.Progress) -> Paragraph:
    annual.quote(p.result)
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


def _text(annual: Annual, field: str) -> list[Paragraph]:
    written = getattr(annual.text, field, "") if annual.text else ""
    return paragraphs(written) or paragraphs(_defaults(annual)[field]) or [Paragraph(_("None."))]


def assessment_section(annual: Annual) -> Section:
    return Section(
        heading=_("General assessment"),
        clauses=[
            Section(heading=_("Achievements"), paragraphs=_text(annual, "achievements")),
            Section(
                heading=_("Limitations and their causes"),
                paragraphs=_text(annual, "limitations"),
            ),
        ],
    )


def next_year_section(annual: Annual) -> Section:
    return Section(
        heading=_("Main tasks for %(year)s") % {"year": annual.year + 1},
        paragraphs=_text(annual, "next_year_tasks"),
    )


def proposals_section(annual: Annual) -> Section:
    return Section(heading=_("Proposals"), paragraphs=_text(annual, "proposals"))


def _annual_signature(annual: Annual) -> Signature:
    text = annual.text
    plan = annual.plan
    if text and (text.signer_title or text.signer_name):
        return Signature(
            authority=text.signer_authority.upper(),
            title=text.signer_title.upper(),
            name=text.signer_name,
        )
    # The plan's signer signs for the plan's issuer: only the issuer's own reports use it.
    if plan.issuer_id == plan.coordinator.pk and plan.signer_name:
        return Signature(authority="", title=plan.signer_title.upper(), name=plan.signer_name)
    return head_signature(plan.coordinator)


# -- Appendices


def targets_appendix(annual: Annual) -> Appendix:
    rows = []
    for index, p in enumerate(sorted(annual.progress, key=lambda p: p.target.position), 1):
        annual.quote(p.result)
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
        numeral="",
        title=_("Progress towards the targets of the plan up to %(year)s") % {"year": annual.year},
        tables=[
            Table(
                caption=_("Targets of Plan No. %(number)s") % {"number": annual.plan.number},
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


def tasks_appendix(annual: Annual) -> Appendix:
    """One row per task of the plan: its agencies and period, and this year's status and
    results from the accepted reports (the lead agencies' words; co-agencies counted)."""
    cycle = annual.cycle
    on = cycle.report_deadline
    entries: dict[int, list[TaskReport]] = defaultdict(list)
    for entry in (
        TaskReport.objects.filter(report__cycle=cycle, report__state=AgencyReport.State.ACCEPTED)
        .select_related("report__agency", "task")
        .order_by("report__agency__name")
    ):
        entries[entry.task_id].append(entry)
    memo: plans.Memo = {}
    rows = []
    for group in plans.task_groups(annual.plan):
        for task in group.tasks.all():
            people = plans.assignees(task, on, memo)
            leads = {o.pk for a in people if a.role == "lead" for o in a.responsible}
            status, results = exports._year_summary(task, entries.get(task.pk, []), cycle, leads)
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
    annual.provenance["tasks"] = sum(1 for _row in rows)
    return Appendix(
        numeral="",
        title=_("Tasks of the plan and their implementation in %(year)s") % {"year": annual.year},
        landscape=True,
        tables=[
            Table(
                caption=_("Tasks of Plan No. %(number)s") % {"number": annual.plan.number},
                columns=[
                    _("No."),
                    _("Task"),
                    _("Lead agency"),
                    _("Co-agencies"),
                    _("Period"),
                    _("Status in %(year)s") % {"year": annual.year},
                    _("Results in %(year)s") % {"year": annual.year},
                ],
                rows=rows,
                # The No. column holds "VIII.1" on one line.
                widths_cm=[1.7, 6.3, 3.0, 3.5, 2.2, 3.5, 6.3],
            )
        ],
    )


def agencies_appendix(annual: Annual) -> Appendix | None:
    """The accepted reports' full texts, by content area and task (lead agencies first):
    what section I sums up. None when no accepted report says anything."""
    cycle = annual.cycle
    parts = []
    memo: plans.Memo = {}
    for area in annual.plan.content_areas.filter(retired_at__isnull=True).order_by("number"):
        entries = [e for e in reporting.accepted_narratives(cycle, area.pk) if e.narrative.strip()]
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
                for a in plans.assignees(task, cycle.report_deadline, memo)
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
        return None
    return Appendix(
        numeral="",
        title=_("Summary of the reports of the agencies and units, %(year)s")
        % {"year": annual.year},
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


def _annual_provenance(annual: Annual) -> dict[str, Any]:
    cycle = annual.cycle
    plan = annual.plan
    text = annual.text
    return {
        **annual.provenance,
        "kind": "annual",
        "plan": {"id": plan.pk, "number": plan.number, "source_sha256": plan.source_sha256},
        "cycle": {"id": cycle.pk, "year": cycle.year, "state": cycle.state},
        "issuer": {"id": plan.coordinator.pk, "key": plan.coordinator.key},
        "agency_reports": [
            {
                "id": r.pk,
                "agency": r.agency.key or r.agency_id,
                "state": r.state,
                "version": r.version,
            }
            for r in annual.reports
        ],
        "annual_text": {"id": text.pk, "version": text.version} if text else None,
        "targets": [
            {"id": p.target.pk, "code": p.target.code, "status": p.status} for p in annual.progress
        ],
        "indicator_results": [
            _provenance_result(r) for r in sorted(annual.results_used.values(), key=_key)
        ],
        "computed_at": _latest_computation(annual.results_used.values()),
        "read_at": annual.read_at.isoformat(),
    }


def _key(row: IndicatorResult) -> tuple[str, int, str, str]:
    return (row.indicator, row.year, row.scope_kind, row.scope_key)


def _latest_computation(rows: Iterable[IndicatorResult]) -> str | None:
    times = [r.computed_at for r in rows]
    return max(times).isoformat() if times else None


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
    """A clause per kind of records the agency has for the year, written by the app that keeps
    them (`sections.AGENCY_RECORDS`), with the records' ids by kind."""
    clauses = []
    ids: dict[str, list[int]] = {}
    for key, found in records.items():
        items = list(found) if found is not None else []
        if not items or key not in sections.AGENCY_RECORDS:
            continue
        ids[key] = [item.pk for item in items]
        clauses.append(sections.AGENCY_RECORDS.get(key)(items))
    return clauses, ids


def data_as_of(document: OfficialDocument) -> dt.datetime:
    """The moment the data behind the document were read."""
    read_at = document.provenance.get("read_at")
    return dt.datetime.fromisoformat(read_at) if read_at else timezone.now()


__all__ = ["agency_report", "annual_report", "annual_text_defaults", "data_as_of", "number"]
