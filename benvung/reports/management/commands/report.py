"""benvung report start|fill|submit|return|accept|reopen|show --year Y --agency KEY --as EMAIL
benvung report annual --plan 202/KH-UBND --year Y --out FILE.docx [--format docx|pdf|xlsx]
benvung report annual --year Y --issue [--draft ID] [--date DD/MM/YYYY] [--confirm-missing]
                      --out FILE.docx

An agency's yearly report from the shell, through the same services (and the same form
validation) as the report page, acting as the named user and audited as them.

`fill --file FILE.json` takes what the page takes:

    {"summary": "...", "difficulties": "...", "proposals": "...",
     "tasks": {"II.1": {"status": "done", "narrative": "...", "events_held": 2,
                        "participants": 150, "budget_vnd": {"provincial_budget": 20000000}}}}

Only the fields present are changed; a task not listed keeps what it had.

`annual` makes a draft of the year's synthesis report of the plan's coordinator (as the
system): assembled from the data, marked "DỰ THẢO", without a number (none is taken), rendered
here and written to FILE; it prints the draft's id, its content hash and what data are missing.
A draft is made as often as wanted.

`annual --issue` issues a draft: the one given by `--draft ID`, or else the latest finished
draft of the year not issued yet. It takes the next number of the coordinator's register, dated
`--date` (today by default), and keeps exactly the draft's content; it is refused when the data
changed since the draft was made (make a new draft), and, while data are missing (the cycle
open, reports owed, no enterprise figures ...), unless `--confirm-missing` is given.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from benvung.accounts.models import User
from benvung.core.commands import AuditedCommand
from benvung.directory.models import Agency
from benvung.plans.models import FundingSource, Plan
from benvung.plans.selectors import plan_by_number
from benvung.reporting import selectors, services
from benvung.reporting.forms import ReportForm, TaskReportForm
from benvung.reporting.models import AgencyReport, ReportingCycle, TaskReport

ACTIONS = ["start", "fill", "submit", "return", "accept", "reopen", "show", "annual"]


class Command(AuditedCommand):
    help = (
        "Start, fill, submit, return, accept, reopen or show an agency's yearly report; "
        "generate the annual synthesis report (annual)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=ACTIONS)
        parser.add_argument("--plan", default=None, help="plan number (default: the current plan)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--agency", help="agency key, e.g. sct, snnmt")
        parser.add_argument("--as", dest="email", help="the acting user's e-mail")
        parser.add_argument("--file", type=Path, help="fill: the report's content as JSON")
        parser.add_argument("--comment", default="", help="return: what needs to be revised")
        parser.add_argument("--reason", default="", help="reopen: why the report is reopened")
        parser.add_argument("--json", action="store_true", help="show: print JSON")
        parser.add_argument("--out", type=Path, help="annual: the file to write")
        parser.add_argument(
            "--format", choices=["docx", "pdf", "xlsx"], default=None, help="annual: file type"
        )
        parser.add_argument(
            "--date", help="annual --issue: the document's date, DD/MM/YYYY (today)"
        )
        parser.add_argument(
            "--issue",
            action="store_true",
            help="annual: issue a draft (take its number) instead of making a new draft",
        )
        parser.add_argument(
            "--draft", type=int, help="annual --issue: the id of the draft to issue (the latest)"
        )
        parser.add_argument(
            "--confirm-missing",
            action="store_true",
            help="annual --issue: issue even though data are missing (they are listed)",
        )
        parser.add_argument(
            "--confirm-reissue",
            action="store_true",
            help="annual --issue: issue a new number although the report was issued already",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "annual":
            self._annual(options)
            return
        for name, flag in (("agency", "--agency"), ("email", "--as")):
            if not options[name]:
                raise CommandError(_("%(flag)s is required.") % {"flag": flag})
        actor, cycle, agency = self._lookup(options)
        action = options["action"]
        try:
            if action == "start":
                report = services.report_start(actor=actor, cycle=cycle, agency=agency)
            else:
                report = self._report(actor, cycle, agency)
                if action == "fill":
                    report = self._fill(actor, report, options["file"])
                elif action == "submit":
                    report = services.report_submit(
                        actor=actor, report=report, version=report.version
                    )
                elif action == "return":
                    report = services.report_return(
                        actor=actor, report=report, comment=options["comment"]
                    )
                elif action == "accept":
                    report = services.report_accept(actor=actor, report=report)
                elif action == "reopen":
                    report = services.report_reopen(
                        actor=actor, report=report, reason=options["reason"]
                    )
                elif action == "show":
                    self._show(report, as_json=options["json"])
                    return
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(
            _("%(agency)s, %(year)s: %(state)s (version %(version)s)")
            % {
                "agency": agency.name,
                "year": cycle.year,
                "state": report.get_state_display(),
                "version": report.version,
            }
        )

    def _annual(self, options: dict[str, Any]) -> None:
        from benvung.reports import readiness
        from benvung.reports import services as documents
        from benvung.reports.models import GeneratedDocument

        out: Path | None = options["out"]
        if out is None:
            raise CommandError(_("Give the file to write with --out FILE.docx."))
        fmt = options["format"] or (out.suffix.lstrip(".").lower() or "docx")
        if fmt not in documents.FORMATS:
            raise CommandError(
                _("Choose --format docx, pdf or xlsx (the file name ends with “%(suffix)s”).")
                % {"suffix": out.suffix}
            )
        # Checked before a number is taken: a number given stays in the register for good.
        folder = out.resolve().parent
        if not folder.is_dir():
            raise CommandError(
                _("--out: the folder %(folder)s does not exist.") % {"folder": folder}
            )
        if not os.access(folder, os.W_OK | os.X_OK) or (
            out.exists() and not os.access(out, os.W_OK)
        ):
            raise CommandError(
                _("--out: %(file)s cannot be written (no permission).") % {"file": out}
            )
        if not options["issue"]:
            for flag, name in (
                ("--date", "date"),
                ("--draft", "draft"),
                ("--confirm-missing", "confirm_missing"),
                ("--confirm-reissue", "confirm_reissue"),
            ):
                if options[name]:
                    raise CommandError(
                        _(
                            "%(flag)s goes with --issue: a draft has no number and no date "
                            "(they are given when it is issued)."
                        )
                        % {"flag": flag}
                    )
        issued_on = documents.today()  # in the province's time
        if options["date"]:
            try:
                issued_on = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError(
                    _("--date: %(value)s is not a date written DD/MM/YYYY.")
                    % {"value": options["date"]}
                ) from exc
        cycle = self._cycle(options)
        try:
            if options["issue"]:
                draft = self._draft_to_issue(cycle, options["draft"])
                document = documents.document_issue(
                    actor=None,
                    draft=draft,
                    issued_on=issued_on,
                    formats=[fmt],
                    confirm_missing=options["confirm_missing"],
                    confirm_reissue=options["confirm_reissue"],
                    background=False,
                )
            else:
                document = documents.document_draft(
                    actor=None,
                    kind=GeneratedDocument.Kind.ANNUAL,
                    cycle=cycle,
                    formats=[fmt],
                    background=False,
                )
        except documents.DataChanged as exc:
            raise CommandError(
                " ".join(exc.messages)
                + " "
                + _("Make one: benvung report annual --year %(year)s --out FILE.docx")
                % {"year": cycle.year}
            ) from exc
        except ValidationError as exc:
            raise CommandError(_command_problems(exc)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        stored = getattr(document, fmt)
        if document.state != GeneratedDocument.State.DONE or not stored:
            raise CommandError(
                _("Document %(document)s was made but the %(format)s file was not: %(why)s")
                % {
                    "document": document.number.display if document.number else f"#{document.pk}",
                    "format": fmt.upper(),
                    "why": document.message or document.get_state_display(),
                }
            )
        with stored.open("rb") as source:
            out.write_bytes(source.read())
        if document.is_draft:
            for gap in readiness.messages(document.gaps):
                self.stderr.write(_("Missing: %(gap)s") % {"gap": gap})
            self.stdout.write(
                _(
                    "Draft #%(id)s (no number taken), content hash %(hash)s: written to "
                    "%(file)s. Issue it with: benvung report annual --year %(year)s --issue "
                    "--draft %(id)s --out FILE"
                )
                % {
                    "id": document.pk,
                    "hash": document.content_hash,
                    "file": out,
                    "year": cycle.year,
                }
            )
            return
        self.stdout.write(
            _("Number %(number)s, content hash %(hash)s: written to %(file)s")
            % {
                "number": document.number.display if document.number else "—",
                "hash": document.content_hash,
                "file": out,
            }
        )

    def _draft_to_issue(self, cycle: ReportingCycle, pk: int | None) -> Any:
        from benvung.reports.models import GeneratedDocument

        drafts = GeneratedDocument.objects.filter(
            kind=GeneratedDocument.Kind.ANNUAL, cycle=cycle, is_draft=True
        )
        if pk is not None:
            draft = drafts.filter(pk=pk).first()
            if draft is None:
                raise CommandError(
                    _("--draft: there is no draft #%(id)s of the %(year)s annual report.")
                    % {"id": pk, "year": cycle.year}
                )
            return draft
        draft = (
            drafts.filter(state=GeneratedDocument.State.DONE, issued_documents__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if draft is None:
            raise CommandError(
                _(
                    "There is no draft of the %(year)s annual report to issue: make one (benvung "
                    "report annual --year %(year)s --out FILE.docx), look at it, then issue it."
                )
                % {"year": cycle.year}
            )
        return draft

    def _cycle(self, options: dict[str, Any]) -> ReportingCycle:
        try:
            plan = plan_by_number(options["plan"])
        except Plan.DoesNotExist:
            plan = None
        cycle = (
            ReportingCycle.objects.select_related("plan")
            .filter(plan=plan, year=options["year"])
            .first()
            if plan is not None
            else None
        )
        if cycle is None:
            raise CommandError(
                _("There is no %(year)s reporting cycle for plan %(plan)s.")
                % {"year": options["year"], "plan": plan.number if plan else options["plan"]}
            )
        return cycle

    def _lookup(self, options: dict[str, Any]) -> tuple[User, ReportingCycle, Agency]:
        actor = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if actor is None:
            raise CommandError(_("No active user %(email)s.") % {"email": options["email"]})
        cycle = self._cycle(options)
        agency = Agency.objects.filter(key=options["agency"]).first()
        if agency is None:
            raise CommandError(_("There is no agency “%(key)s”.") % {"key": options["agency"]})
        return actor, cycle, agency

    def _report(self, actor: User, cycle: ReportingCycle, agency: Agency) -> AgencyReport:
        # Read through the selector, so a user sees no more here than on the pages.
        report = selectors.report_list(viewer=actor).filter(cycle=cycle, agency=agency).first()
        if report is None:
            raise CommandError(
                _("There is no %(year)s report of %(agency)s that you may see.")
                % {"agency": agency.name, "year": cycle.year}
            )
        return report

    def _fill(self, actor: User, report: AgencyReport, path: Path | None) -> AgencyReport:
        if path is None:
            raise CommandError(_("Give the report's content with --file FILE.json."))
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(
                _("%(file)s cannot be read as JSON: %(problem)s") % {"file": path, "problem": exc}
            ) from exc
        if not isinstance(content, dict):
            raise CommandError(_("%(file)s must hold a JSON object.") % {"file": path})
        fields, entries = _validated(report, content)
        return services.report_save(
            actor=actor, report=report, version=report.version, fields=fields, entries=entries
        )

    def _show(self, report: AgencyReport, *, as_json: bool) -> None:
        tasks: dict[str, dict[str, Any]] = {
            tr.task.code: {
                "status": tr.status,
                "narrative": tr.narrative,
                **{n: getattr(tr, n) for n in _COUNTS if getattr(tr, n) is not None},
                "budget_vnd": tr.budget_vnd,
            }
            for tr in report.task_reports.select_related("task__group").order_by(
                "task__group__position", "task__number"
            )
        }
        data: dict[str, Any] = {
            "agency": report.agency.key,
            "year": report.cycle.year,
            "state": report.state,
            "version": report.version,
            "summary": report.summary,
            "difficulties": report.difficulties,
            "proposals": report.proposals,
            "tasks": tasks,
        }
        if as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{report.agency.name} — {report.cycle.year}: {report.get_state_display()}"
        )
        for code, task in tasks.items():
            self.stdout.write(f"  {code}: {task['status']} — {task['narrative'][:70]}")


_COUNTS = TaskReport.COUNT_FIELDS
_TASK_KEYS = {"status", "narrative", "difficulties", "proposals", "budget_vnd", *_COUNTS}


def _validated(
    report: AgencyReport, content: dict[str, Any]
) -> tuple[dict[str, Any], list[services.TaskEntry]]:
    """The file's content checked by the report page's own forms; every problem named."""
    problems: list[str] = []
    unknown = set(content) - {"summary", "difficulties", "proposals", "tasks"}
    if unknown:
        problems.append(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    head: dict[str, Any] = {
        k: content[k] for k in ("summary", "difficulties", "proposals") if k in content
    }
    form = ReportForm({"version": report.version, **head})
    if not form.is_valid():
        problems += _form_problems(form, "")
    by_code = {tr.task.code: tr for tr in report.task_reports.select_related("task__group")}
    entries = []
    tasks = content.get("tasks", {})
    if not isinstance(tasks, dict):
        problems.append(_("“tasks” must map task numbers (e.g. II.1) to their results."))
        tasks = {}
    for code, values in tasks.items():
        task_report = by_code.get(code)
        if task_report is None:
            problems.append(
                _("Task %(code)s is not in this report (its tasks: %(codes)s).")
                % {"code": code, "codes": ", ".join(by_code)}
            )
            continue
        if not isinstance(values, dict) or set(values) - _TASK_KEYS:
            problems.append(
                _("Task %(code)s: allowed fields are %(names)s.")
                % {"code": code, "names": ", ".join(sorted(_TASK_KEYS))}
            )
            continue
        # Fields not given keep their stored value: start from what the page would show.
        bound = TaskReportForm(task_report=task_report)
        data = {name: bound[name].value() for name in bound.fields}
        data.update({k: v for k, v in values.items() if k != "budget_vnd"})
        for key, amount in (values.get("budget_vnd") or {}).items():
            if key not in FundingSource.values:
                problems.append(
                    _("Task %(code)s: unknown funding source “%(key)s” (known: %(keys)s).")
                    % {"code": code, "key": key, "keys": ", ".join(FundingSource.values)}
                )
            data[f"budget_{key}"] = amount
        task_form = TaskReportForm(
            {f"t{task_report.pk}-{k}": ("" if v is None else v) for k, v in data.items()},
            task_report=task_report,
        )
        if task_form.is_valid():
            entries.append(services.TaskEntry(task_report.pk, task_form.values()))
        else:
            problems += _form_problems(task_form, code)
    if problems:
        raise CommandError("\n".join(problems))
    fields = {k: v for k, v in form.cleaned_data.items() if k in head}
    return fields, entries


# The options of the command that stand for the fields the document services name.
_OPTIONS = {
    "issued_on": "--date",
    "confirm_missing": "--confirm-missing",
    "confirm_reissue": "--confirm-reissue",
    "formats": "--format",
}


def _command_problems(exc: ValidationError) -> str:
    """A service's refusal, each field's messages led by the option that sets it (the date
    checks of the page become "--date: ...")."""
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    lines = []
    for name, messages in exc.message_dict.items():
        option = _OPTIONS.get(name)
        text = "\n  ".join(messages)
        lines.append(f"{option}: {text}" if option else text)
    return "\n".join(lines)


def _form_problems(form: Any, code: str) -> list[str]:
    result = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else name
        prefix = f"{code}, {label}" if code else str(label)
        result += [f"{prefix}: {message}" for message in errors]
    return result
