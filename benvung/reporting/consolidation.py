"""A suggested consolidated text for one content area: what the coordinator starts from when
nothing has been written yet, and what the synthesis report says meanwhile.

Pasting every agency's sentences one after another makes a section of twenty pages that nobody
reads. The suggestion is short: how many agencies reported on the area's tasks, the sums of the
counts they gave, one sentence for each lead agency (the first of its text; agencies with the
same sentence named together), the co-agencies named (the communes counted). The full texts
are in the report's appendix of the agencies' reports (section I says where, once) and on the
consolidation page.

`suggestion` works on plain data (`Entry`), so it is tested with known numbers; `suggested_text`
reads the accepted reports of a cycle and writes the text in Vietnamese, the language of the
report, whatever the language of the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from benvung.directory.models import Agency
from benvung.plans import selectors as plans
from benvung.plans.models import ContentArea

from . import selectors
from .models import ReportingCycle, TaskReport

LANGUAGE = "vi"  # the language of the synthesis report

# The counts of a task report summed in the suggestion, in the order they are written.
COUNTS = TaskReport.COUNT_FIELDS


@dataclass(frozen=True)
class Entry:
    """What one agency reported on one task, as the suggestion needs it."""

    agency: str  # the name written in the report ("Sở Công Thương", "UBND Xã Xuân Bắc")
    agency_id: int
    task_code: str
    lead: bool  # the agency leads the task (as the plan assigns it on the report deadline)
    commune: bool  # a commune-level people's committee: counted, not named one by one
    narrative: str
    counts: dict[str, int]  # the counts given (events_held, participants, ...), None left out
    funds: int  # đồng, all funding sources


def _n(value: int) -> str:
    """1.234.567: grouped the Vietnamese way (the text is written under Vietnamese)."""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)


# A capitalised word of up to three letters with a full stop is an abbreviation ("TP. Biên
# Hòa", "Q. 1"), not the end of a sentence ("... 2 đợt kiểm tra." is).
_ABBREVIATION = re.compile(r"(?:^|\s)\(?[A-ZĐ][A-Za-zĐđ]{0,2}\.$")
_END = re.compile(r"[.!?…]+[)”\"'»]*(?=\s)")


def first_sentence(text: str) -> str:
    """The first sentence of a text: up to the first full stop (or ! ? …) followed by a space
    and a capital or an opening bracket. "Tổ chức 3 hội nghị. (Dữ liệu mẫu.)" → "Tổ chức 3 hội
    nghị."; a text without such a stop is returned whole."""
    text = " ".join(text.split())
    for match in _END.finditer(text):
        following = text[match.end() :].lstrip()
        if not following or not (following[0].isupper() or following[0] in "(“\"'«"):
            continue
        if _ABBREVIATION.search(text[: match.start() + 1]):
            continue
        return text[: match.end()]
    return text


def _full_stop(text: str) -> str:
    text = text.strip()
    return text if not text or text.rstrip(")”\"'»")[-1:] in tuple(".;:!?…") else f"{text}."


def grouped(items: Iterable[tuple[str, str]]) -> list[tuple[list[str], str]]:
    """(name, text) pairs as (names, text), agencies that wrote the same text named together, in
    the order the texts first appear: thirty communes with one sentence make one line."""
    names: dict[str, list[str]] = {}
    for name, text in items:
        names.setdefault(text, [])
        if name not in names[text]:
            names[text].append(name)
    return [(who, text) for text, who in names.items()]


def _figures(entries: Sequence[Entry]) -> str:
    totals = dict.fromkeys(COUNTS, 0)
    for entry in entries:
        for name, value in entry.counts.items():
            totals[name] += value
    funds = sum(entry.funds for entry in entries)
    labels = {
        "events_held": _("%(n)s conferences, training courses and events held"),
        "participants": _("%(n)s participants"),
        "enterprises_reached": _("%(n)s enterprises reached"),
        "models_built": _("%(n)s models built"),
        "documents_issued": _("%(n)s guiding documents issued"),
    }
    # A count every agency left at 0 says nothing ("0 models built"): left out.
    parts = [labels[name] % {"n": _n(totals[name])} for name in COUNTS if totals[name]]
    if funds:
        parts.append(_("funds spent: %(n)s VND") % {"n": _n(funds)})
    if not parts:
        return ""
    return _("Figures reported: %(figures)s.") % {"figures": "; ".join(parts)}


def suggestion(entries: Sequence[Entry], *, year: int) -> str:
    """The suggested text (one paragraph a line; "- " lines are list items), in the active
    language; "" when no agency reported on the area."""
    reported = [e for e in entries if e.narrative.strip() or e.counts or e.funds]
    if not reported:
        return ""
    agencies = {e.agency_id for e in reported}
    leads = {e.agency_id for e in reported if e.lead}
    tasks = {e.task_code for e in reported}
    lines = [
        ngettext(
            "In %(year)s, %(agencies)s agency reported on %(tasks)s tasks of this content area",
            "In %(year)s, %(agencies)s agencies reported on %(tasks)s tasks of this content area",
            len(agencies),
        )
        % {"year": year, "agencies": _n(len(agencies)), "tasks": _n(len(tasks))}
        + " "
        + (
            _("(%(leads)s leading, %(others)s co-operating).")
            % {"leads": _n(len(leads)), "others": _n(len(agencies - leads))}
            if leads
            else _("(all co-operating: no lead agency has reported).")
        )
    ]
    figures = _figures(reported)
    if figures:
        lines.append(figures)
    # One sentence for each lead agency: its first sentence on the area's first task it wrote
    # about.
    said: dict[int, tuple[str, str]] = {}
    for entry in reported:
        if entry.lead and entry.agency_id not in said and entry.narrative.strip():
            said[entry.agency_id] = (entry.agency, _full_stop(first_sentence(entry.narrative)))
    for names, text in grouped(said.values()):
        lines.append(f"- {', '.join(names)}: {text}")
    others = {e.agency_id: e for e in reported if e.agency_id not in leads}
    if others:
        named = sorted({e.agency for e in others.values() if not e.commune})
        communes = sum(1 for e in others.values() if e.commune)
        if communes:
            named.append(
                ngettext(
                    "%(n)s commune-level people's committee",
                    "%(n)s commune-level people's committees",
                    communes,
                )
                % {"n": _n(communes)}
            )
        lines.append(
            _("The co-operating agencies also reported: %(names)s.") % {"names": ", ".join(named)}
        )
    return "\n".join(lines)


def entries_of(cycle: ReportingCycle, area: ContentArea) -> list[Entry]:
    """The accepted reports' entries on the area's tasks, as plain data; lead agencies as the
    plan assigns them on the reporting deadline (followed through the 2025 successions)."""
    rows: list[TaskReport] = selectors.accepted_narratives(cycle, area.pk)
    memo: plans.Memo = {}
    leads: dict[int, set[int]] = {}
    communes = set(
        Agency.objects.filter(
            pk__in={row.report.agency_id for row in rows},
            agency_type=Agency.AgencyType.COMMUNE_COMMITTEE,
        ).values_list("pk", flat=True)
    )
    result = []
    for row in rows:
        task = row.task
        if task.pk not in leads:
            leads[task.pk] = {
                o.pk
                for a in plans.assignees(task, cycle.report_deadline, memo)
                if a.role == "lead"
                for o in a.responsible
            }
        agency = row.report.agency
        result.append(
            Entry(
                agency=agency.short_name or agency.name,
                agency_id=agency.pk,
                task_code=task.code,
                lead=agency.pk in leads[task.pk],
                commune=agency.pk in communes,
                narrative=row.narrative,
                counts={n: getattr(row, n) for n in COUNTS if getattr(row, n) is not None},
                funds=row.budget_total,
            )
        )
    return result


def suggested_text(cycle: ReportingCycle, area: ContentArea) -> str:
    """The suggestion for one content area of a cycle, in Vietnamese."""
    with translation.override(LANGUAGE):
        return suggestion(entries_of(cycle, area), year=cycle.year)
