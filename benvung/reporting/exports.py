"""The appendix's task table with the year's status and results, as an Excel workbook."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from benvung.core.spreadsheet import set_cell, workbook_bytes
from benvung.plans import selectors as plans

from .models import AgencyReport, ReportingCycle, TaskReport

FONT = "Times New Roman"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# (header, width in characters): the appendix's columns, then this year's two.
COLUMNS = [
    ("STT", 6),
    ("Nội dung nhiệm vụ", 48),
    ("Mục tiêu", 32),
    ("Cơ quan chủ trì", 22),
    ("Cơ quan phối hợp", 28),
    ("Sản phẩm", 14),
    ("Thời gian thực hiện", 13),
    ("Nguồn lực thực hiện", 16),
    ("Tình hình thực hiện năm {year}", 20),
    ("Kết quả thực hiện năm {year}", 60),
]


def year_entries(cycle: ReportingCycle) -> dict[int, list[TaskReport]]:
    """Task id → the entries of submitted and accepted reports of the cycle."""
    entries: dict[int, list[TaskReport]] = defaultdict(list)
    for tr in (
        TaskReport.objects.filter(
            report__cycle=cycle,
            report__state__in=[AgencyReport.State.SUBMITTED, AgencyReport.State.ACCEPTED],
        )
        .select_related("report__agency", "task")
        .order_by("report__agency__name")
    ):
        entries[tr.task_id].append(tr)
    return entries


def task_table_xlsx(cycle: ReportingCycle) -> bytes:
    plan = cycle.plan
    on = cycle.report_deadline
    entries = year_entries(cycle)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = f"Nhiệm vụ {cycle.year}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    # One page wide, as many pages tall as the table needs; the header repeats on each.
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    last = get_column_letter(len(COLUMNS))
    title_rows = [
        ("PHỤ LỤC", True),
        (
            f"Danh mục các nhiệm vụ thực hiện Kế hoạch số {plan.number} ngày "
            f"{plan.issued_on:%d/%m/%Y} và tình hình thực hiện năm {cycle.year}",
            True,
        ),
        (f"(Số liệu đến ngày {timezone.localdate():%d/%m/%Y})", False),
    ]
    for row, (text, bold) in enumerate(title_rows, start=1):
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = set_cell(sheet, row, 1, text)
        cell.font = Font(name=FONT, size=13, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center")

    header_row = len(title_rows) + 2
    for col, (header, width) in enumerate(COLUMNS, start=1):
        cell = set_cell(sheet, header_row, col, header.format(year=cycle.year))
        cell.font = Font(name=FONT, size=12, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER
        cell.fill = PatternFill("solid", fgColor="E7EEE9")
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.row_dimensions[header_row].height = _height(
        [h.format(year=cycle.year) for h, _w in COLUMNS]
    )

    row = header_row + 1
    memo: plans.Memo = {}
    for group in plans.task_groups(plan):
        set_cell(sheet, row, 1, group.numeral)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(COLUMNS))
        set_cell(sheet, row, 2, group.title)
        for col in range(1, len(COLUMNS) + 1):
            cell = sheet.cell(row=row, column=col)
            cell.font = Font(name=FONT, size=12, bold=True)
            cell.border = BORDER
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        row += 1
        for task in group.tasks.all():
            people = plans.assignees(task, on, memo)
            lead = task.lead_text + _changed_note(people, "lead")
            leads = {o.pk for a in people if a.role == "lead" for o in a.responsible}
            status, results = _year_summary(task, entries.get(task.pk, []), cycle, leads)
            values = [
                task.number,
                task.content,
                task.objective,
                lead,
                task.co_text,
                task.expected_product,
                task.period_display if task.frequency == "once" else "Hằng năm",
                task.funding_text,
                status,
                results,
            ]
            sheet.row_dimensions[row].height = _height(values)
            for col, value in enumerate(values, start=1):
                cell = set_cell(sheet, row, col, value)
                cell.font = Font(name=FONT, size=12)
                cell.border = BORDER
                cell.alignment = Alignment(
                    wrap_text=True, vertical="top", horizontal="center" if col == 1 else "left"
                )
            row += 1

    return workbook_bytes(workbook)


def _height(values: list) -> float:
    """Row height in points for wrapped text (spreadsheets do not compute it on opening)."""
    lines = 1
    for (_header, width), value in zip(COLUMNS, values, strict=False):
        text = str(value or "")
        wrapped = sum(
            max(1, -(-len(part) // max(1, int(width * 1.1)))) for part in text.split("\n")
        )
        lines = max(lines, wrapped)
    return 16.0 * lines + 4


def _changed_note(people: list[plans.Assignee], role: str) -> str:
    changed = [a for a in people if a.role == role and a.changed]
    if not changed:
        return ""
    names = ", ".join(o.short_name or o.name for a in changed for o in a.responsible)
    return f" (nay: {names})"


def _year_summary(
    task: Any, entries: list[TaskReport], cycle: ReportingCycle, leads: set[int]
) -> tuple[str, str]:
    """The lead agencies' status and results; co-agencies counted (their text is in the
    consolidation pages), so that a row stays readable when fifty communes reported."""
    if not task.covers(cycle.year):
        return (_("not due this year"), "")
    if not entries:
        return (_("not reported"), "")
    statuses = []
    results = []
    others = 0
    for entry in entries:
        if entry.report.agency_id not in leads:
            others += 1
            continue
        agency = entry.report.agency.short_name or entry.report.agency.name
        statuses.append(f"{agency}: {entry.get_status_display()}")
        if entry.narrative:
            results.append(f"{agency}: {entry.narrative}")
    if not statuses:
        statuses.append(_("lead agency has not reported"))
    if others:
        results.append(_("%(count)s co-agencies also reported on this task.") % {"count": others})
    return ("\n".join(statuses), "\n".join(results))
