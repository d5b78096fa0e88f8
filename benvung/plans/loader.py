"""Loading a plan file (YAML, plans/plan.schema.json) into the database, all or nothing.

The file is checked in three passes before anything is written: YAML syntax, the JSON schema,
then references and consistency (agencies, groups, duplicate numbers, ranges). Every problem is
reported with its line and field; if there is any, nothing changes. A valid file is then upserted
in one transaction: changed rows are updated and audited, rows that left the file are retired
(never deleted: reports point at them), and a PlanRevision records the load.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError as SchemaError

from benvung.core import audit
from benvung.core.loading import LoadReport, Upserter
from benvung.directory.models import Agency, FocusSector

from .checks import TARGET_CHECKS
from .models import (
    AgencyGroup,
    ContentArea,
    ContentPoint,
    Plan,
    PlanRevision,
    Target,
    Task,
    TaskAssignment,
    TaskGroup,
)

if TYPE_CHECKING:
    from benvung.accounts.models import User

SCHEMA_PATH = Path(settings.BASE_DIR) / "plans" / "plan.schema.json"
DEFAULT_PLAN_FILE = Path(settings.BASE_DIR) / "plans" / "ke-hoach-202-KH-UBND-2022.yaml"
RANGE = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*-\s*(\d+(?:[.,]\d+)?)\s*$")

Path_ = tuple[str | int, ...]


class PlanFileError(Exception):
    """The file cannot be loaded; `problems` lists each one with its line and field."""

    def __init__(self, file_name: str, problems: list[str]) -> None:
        self.file_name = file_name
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ParsedFile:
    name: str
    data: dict[str, Any]
    lines: dict[Path_, int]
    sha256: str

    def line_of(self, path: Path_) -> int:
        """The line of `path`, or of its nearest ancestor the parser recorded."""
        while path and path not in self.lines:
            path = path[:-1]
        return self.lines.get(path, 1)


@dataclass
class LoadResult:
    plan: Plan
    reports: list[LoadReport] = field(default_factory=list)
    revision: PlanRevision | None = None

    @property
    def changed(self) -> bool:
        return any(r.created or r.updated or r.deleted for r in self.reports)


# --- Pass 1: YAML with line numbers ----------------------------------------------------------


class DuplicateKey(Exception):
    def __init__(self, key: str, path: Path_, line: int) -> None:
        super().__init__(key)
        self.key, self.path, self.line = key, path, line


def parse(text: str, name: str) -> ParsedFile:
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlanFileError(
            name,
            [
                _("%(file)s, line %(line)s: not valid YAML (%(problem)s).")
                % {"file": name, "line": line, "problem": problem}
            ],
        ) from exc
    finally:
        loader.dispose()
    if node is None:
        raise PlanFileError(name, [_("%(file)s: the file is empty.") % {"file": name}])
    lines: dict[Path_, int] = {}
    try:
        data = _build(node, (), lines)
    except DuplicateKey as dup:
        raise PlanFileError(
            name,
            [
                _("%(file)s, line %(line)s, field %(field)s: %(message)s.")
                % {
                    "file": name,
                    "line": dup.line,
                    "field": _field_name(dup.path),
                    "message": _("the field “%(name)s” is written twice") % {"name": dup.key},
                }
            ],
        ) from dup
    if not isinstance(data, dict):
        raise PlanFileError(
            name, [_("%(file)s, line 1: the file must be a mapping of sections.") % {"file": name}]
        )
    return ParsedFile(name, data, lines, hashlib.sha256(text.encode()).hexdigest())


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int]) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                # YAML would silently keep the last one; a plan file must not hide a value.
                raise DuplicateKey(key, (*path, key), key_node.start_mark.line + 1)
            result[key] = _build(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines) for i, item in enumerate(node.value)]
    # Dates stay text ("2022-09-14"): the schema checks their form, the loader parses them.
    if node.tag == "tag:yaml.org,2002:timestamp":
        return str(node.value)
    return yaml.SafeLoader("").construct_object(node)


# --- Pass 2: the schema ----------------------------------------------------------------------


def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _field_name(path: Path_) -> str:
    parts: list[str] = []
    for part in path:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part + 1}]" if parts else f"[{part + 1}]"]
        else:
            parts.append(part)
    return ".".join(parts) or _("(whole file)")


def _schema_message(error: SchemaError) -> str:
    validator = error.validator
    if validator == "required":
        missing = re.findall(r"'([^']+)' is a required property", error.message)
        return _("the field “%(name)s” is missing") % {"name": missing[0] if missing else "?"}
    if validator == "additionalProperties":
        extra = re.findall(r"'([^']+)'", error.message)
        return _("unknown field “%(name)s”") % {"name": ", ".join(extra)}
    if validator == "type":
        kinds = {
            "string": _("text"),
            "integer": _("a whole number"),
            "number": _("a number"),
            "array": _("a list"),
            "object": _("a group of fields"),
            "boolean": _("yes or no"),
        }
        return _("must be %(type)s, not “%(value)s”") % {
            "type": kinds.get(str(error.validator_value), error.validator_value),
            "value": error.instance,
        }
    if validator == "enum":
        return _("“%(value)s” is not one of: %(choices)s") % {
            "value": error.instance,
            "choices": ", ".join(str(c) for c in error.validator_value),
        }
    if validator in ("pattern", "oneOf"):
        return _("“%(value)s” is not written in the expected form") % {"value": error.instance}
    if validator in ("minItems", "minLength"):
        return _("must not be empty")
    if validator == "const":
        return _("must be %(value)s") % {"value": error.validator_value}
    if validator in ("minimum", "maximum"):
        return _("“%(value)s” is out of range") % {"value": error.instance}
    return error.message


def check_schema(parsed: ParsedFile) -> list[str]:
    validator = Draft202012Validator(_schema())
    problems = []
    for error in sorted(validator.iter_errors(parsed.data), key=lambda e: list(e.absolute_path)):
        path = tuple(error.absolute_path)
        problems.append(_problem(parsed, path, _schema_message(error)))
    return problems


def _problem(parsed: ParsedFile, path: Path_, message: str) -> str:
    return _("%(file)s, line %(line)s, field %(field)s: %(message)s.") % {
        "file": parsed.name,
        "line": parsed.line_of(path),
        "field": _field_name(path),
        "message": message,
    }


# --- Pass 3: references and consistency ------------------------------------------------------


def parse_target(value: Any) -> tuple[Decimal | None, Decimal | None, Decimal | None]:
    """(value, min, max) of a target written 70 or '5-8'; ValueError if malformed."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | float):
        return Decimal(str(value)), None, None
    match = RANGE.match(str(value))
    if not match:
        raise ValueError(value)
    low, high = (Decimal(g.replace(",", ".")) for g in match.groups())
    if low > high:
        raise ValueError(value)
    return None, low, high


def parse_period(text: str) -> tuple[int, int]:
    first, _sep, last = text.partition("-")
    start, end = int(first), int(last or first)
    if end < start:
        raise ValueError(text)
    return start, end


def check_references(parsed: ParsedFile) -> list[str]:
    data = parsed.data
    problems: list[str] = []
    agency_keys = set(Agency.objects.exclude(key__isnull=True).values_list("key", flat=True))

    def problem(path: Path_, message: str) -> None:
        problems.append(_problem(parsed, path, message))

    def check_agency(path: Path_, key: str) -> None:
        if key not in agency_keys:
            problem(
                path,
                _("unknown agency “%(key)s” (the keys are in fixtures/agencies.csv)")
                % {"key": key},
            )

    plan = data["plan"]
    check_agency(("plan", "issuer"), plan["issuer"])
    check_agency(("plan", "coordinator"), plan["coordinator"])
    try:
        dt.date.fromisoformat(plan["issued_on"])
    except ValueError:
        problem(
            ("plan", "issued_on"), _("“%(value)s” is not a date") % {"value": plan["issued_on"]}
        )
    try:
        plan_start, plan_end = parse_period(plan["period"])
    except ValueError:
        problem(("plan", "period"), _("the period must be written first-last year"))
        plan_start, plan_end = 0, 9999

    groups = set()
    for i, group in enumerate(data.get("agency_groups", [])):
        if group["key"] in groups:
            problem(
                ("agency_groups", i, "key"),
                _("the group “%(key)s” is defined twice") % {"key": group["key"]},
            )
        groups.add(group["key"])

    focus_keys = set(FocusSector.objects.values_list("key", flat=True))
    codes: set[str] = set()
    # Checks other apps register (indicators: the indicator code is one the system computes).
    target_checks = TARGET_CHECKS.items()

    for i, target in enumerate(data["targets"]):
        for checked, check in target_checks:
            message = check(target)
            if message is not None:
                problem(("targets", i, checked), message)
        if target["code"] in codes:
            problem(
                ("targets", i, "code"),
                _("the code “%(code)s” appears twice") % {"code": target["code"]},
            )
        codes.add(target["code"])
        if "target" in target:
            try:
                parse_target(target["target"])
            except ValueError:
                problem(
                    ("targets", i, "target"),
                    _("the range “%(value)s” must be written min-max with min ≤ max")
                    % {"value": target["target"]},
                )
        if target["scope"]["kind"] == "focus_sectors":
            for j, key in enumerate(target["scope"].get("items", [])):
                if key not in focus_keys:
                    problem(
                        ("targets", i, "scope", "items", j),
                        _("unknown focus sector “%(key)s”") % {"key": key},
                    )

    area_numbers: set[int] = set()
    for i, area in enumerate(data["content_areas"]):
        if area["number"] in area_numbers:
            problem(
                ("content_areas", i, "number"),
                _("the number %(number)s appears twice") % {"number": area["number"]},
            )
        area_numbers.add(area["number"])
        letters: set[str] = set()
        for j, point in enumerate(area["points"]):
            if point["letter"] in letters:
                problem(
                    ("content_areas", i, "points", j, "letter"),
                    _("the point “%(letter)s” appears twice") % {"letter": point["letter"]},
                )
            letters.add(point["letter"])

    numerals: set[str] = set()
    for i, group in enumerate(data["task_groups"]):
        if group["numeral"] in numerals:
            problem(
                ("task_groups", i, "numeral"),
                _("the group %(numeral)s appears twice") % {"numeral": group["numeral"]},
            )
        numerals.add(group["numeral"])
        if "content_area" in group and group["content_area"] not in area_numbers:
            problem(
                ("task_groups", i, "content_area"),
                _("there is no content area %(number)s") % {"number": group["content_area"]},
            )
        numbers: set[int] = set()
        for j, task in enumerate(group["tasks"]):
            path = ("task_groups", i, "tasks", j)
            if task["number"] in numbers:
                problem(
                    (*path, "number"),
                    _("task number %(number)s appears twice in group %(group)s")
                    % {"number": task["number"], "group": group["numeral"]},
                )
            numbers.add(task["number"])
            for role in ("lead", "co"):
                for k, ref in enumerate(task.get(role, [])):
                    if ref.startswith("@"):
                        if ref[1:] not in groups:
                            problem(
                                (*path, role, k), _("unknown agency group “%(ref)s”") % {"ref": ref}
                            )
                    else:
                        check_agency((*path, role, k), ref)
            try:
                start, end = parse_period(task["period"])
            except ValueError:
                problem((*path, "period"), _("the period must be written first-last year"))
            else:
                if start < plan_start or end > plan_end:
                    problem(
                        (*path, "period"),
                        _("the period %(period)s lies outside the plan's period")
                        % {"period": task["period"]},
                    )
            if "target" in task:
                try:
                    parse_target(task["target"]["value"])
                except ValueError:
                    problem(
                        (*path, "target", "value"),
                        _("the range “%(value)s” must be written min-max with min ≤ max")
                        % {"value": task["target"]["value"]},
                    )
    return problems


def check(path: Path) -> ParsedFile:
    """Parse and check a plan file; PlanFileError lists every problem found."""
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanFileError(
            name, [_("%(file)s: cannot be read (%(error)s).") % {"file": name, "error": exc}]
        ) from exc
    parsed = parse(text, name)
    problems = check_schema(parsed)
    if problems:  # references are meaningless in a file of the wrong shape
        raise PlanFileError(name, problems)
    problems = check_references(parsed)
    if problems:
        raise PlanFileError(name, problems)
    return parsed


# --- Writing ---------------------------------------------------------------------------------


def load_plan(path: Path = DEFAULT_PLAN_FILE, *, actor: User | None = None) -> LoadResult:
    parsed = check(path)
    with transaction.atomic():
        return _write(parsed, actor)


def _write(parsed: ParsedFile, actor: User | None) -> LoadResult:
    data = parsed.data
    agencies = {a.key: a for a in Agency.objects.exclude(key__isnull=True)}
    p = data["plan"]
    start, end = parse_period(p["period"])
    plans = Upserter(Plan, ["number"], report_name=gettext_lazy("plan"), action="plan", actor=actor)
    plan = plans.upsert(
        {"number": p["number"]},
        {
            "document_type": p.get("document_type", "KH"),
            "title": p["title"].strip(),
            "issued_on": dt.date.fromisoformat(p["issued_on"]),
            "place": p["place"],
            "issuer": agencies[p["issuer"]],
            "coordinator": agencies[p["coordinator"]],
            "signer_name": p.get("signer", {}).get("name", ""),
            "signer_title": p.get("signer", {}).get("title", ""),
            "period_start": start,
            "period_end": end,
            "report_deadline_month": p["report_deadline"]["month"],
            "report_deadline_day": p["report_deadline"]["day"],
            "report_deadline_before": p["report_deadline"].get("before", False),
            "report_deadline_text": p["report_deadline"].get("text", "").strip(),
            "legal_bases": [b.strip() for b in p["legal_bases"]],
            "general_objective": p["general_objective"].strip(),
            "notes": [*p.get("notes", []), *p.get("signer", {}).get("notes", [])],
            "source_file": parsed.name,
            "source_sha256": parsed.sha256,
        },
    )
    reports = [plans.finish(source=parsed.name)]
    alive = {"retired_at": None}

    groups = Upserter(
        AgencyGroup,
        ["plan", "key"],
        report_name=gettext_lazy("agency groups"),
        action="plan_agency_group",
        actor=actor,
        queryset=AgencyGroup.objects.filter(plan=plan),
    )
    by_group_key = {
        g["key"]: groups.upsert(
            {"plan": plan, "key": g["key"]},
            {
                "label": g["label"],
                "agency_types": g["agency_types"],
                "notes": g.get("notes", []),
                **alive,
            },
        )
        for g in data.get("agency_groups", [])
    }
    reports.append(_retire(groups, parsed.name))

    targets = Upserter(
        Target,
        ["plan", "code"],
        report_name=gettext_lazy("targets"),
        action="plan_target",
        actor=actor,
        queryset=Target.objects.filter(plan=plan),
    )
    for position, t in enumerate(data["targets"], start=1):
        value, low, high = parse_target(t["target"]) if "target" in t else (None, None, None)
        targets.upsert(
            {"plan": plan, "code": t["code"]},
            {
                "period_label": t["period"],
                "text": t["text"].strip(),
                "indicator_code": t["indicator"],
                "unit": t["unit"],
                "scope_kind": t["scope"]["kind"],
                "scope_items": t["scope"].get("items", []),
                "value": value,
                "min_value": low,
                "max_value": high,
                "milestone_year": t["milestone_year"],
                "baseline_year": t.get("baseline_year"),
                "direction": t["direction"],
                "position": position,
                "notes": t.get("notes", []),
                **alive,
            },
        )
    reports.append(_retire(targets, parsed.name))

    areas = Upserter(
        ContentArea,
        ["plan", "number"],
        report_name=gettext_lazy("content areas"),
        action="plan_content_area",
        actor=actor,
        queryset=ContentArea.objects.filter(plan=plan),
    )
    points = Upserter(
        ContentPoint,
        ["area", "letter"],
        report_name=gettext_lazy("points"),
        action="plan_content_point",
        actor=actor,
        queryset=ContentPoint.objects.filter(area__plan=plan),
    )
    by_area_number: dict[int, ContentArea] = {}
    for a in data["content_areas"]:
        area = areas.upsert(
            {"plan": plan, "number": a["number"]},
            {"title": a["title"].strip(), "notes": a.get("notes", []), **alive},
        )
        by_area_number[a["number"]] = area
        for position, pt in enumerate(a["points"], start=1):
            points.upsert(
                {"area": area, "letter": pt["letter"]},
                {
                    "text": pt["text"].strip(),
                    "position": position,
                    "notes": pt.get("notes", []),
                    **alive,
                },
            )
    reports += [_retire(areas, parsed.name), _retire(points, parsed.name)]

    task_groups = Upserter(
        TaskGroup,
        ["plan", "numeral"],
        report_name=gettext_lazy("task groups"),
        action="plan_task_group",
        actor=actor,
        queryset=TaskGroup.objects.filter(plan=plan),
    )
    tasks = Upserter(
        Task,
        ["group", "number"],
        report_name=gettext_lazy("tasks"),
        action="plan_task",
        actor=actor,
        queryset=Task.objects.filter(group__plan=plan),
    )
    assignment_changes = 0
    for position, g in enumerate(data["task_groups"], start=1):
        group = task_groups.upsert(
            {"plan": plan, "numeral": g["numeral"]},
            {
                "title": g["title"].strip(),
                "content_area": by_area_number.get(g.get("content_area", 0)),
                "position": position,
                "notes": g.get("notes", []),
                **alive,
            },
        )
        for t in g["tasks"]:
            start, end = parse_period(t["period"])
            target = t.get("target", {})
            value, low, high = parse_target(target["value"]) if target else (None, None, None)
            task = tasks.upsert(
                {"group": group, "number": t["number"]},
                {
                    "code": f"{g['numeral']}.{t['number']}",
                    "content": t["content"].strip(),
                    "objective": t.get("objective", "").strip(),
                    "expected_product": t.get("expected_product", "").strip(),
                    "lead_text": t.get("lead_text", "").strip(),
                    "co_text": t.get("co_text", "").strip(),
                    "other_participants": t.get("other_participants", []),
                    "period_start": start,
                    "period_end": end,
                    "frequency": t.get("frequency", "once"),
                    "funding_sources": t["funding"],
                    "funding_text": t.get("funding_text", "").strip(),
                    "target_indicator": target.get("indicator", ""),
                    "target_unit": target.get("unit", ""),
                    "target_value": value,
                    "target_min": low,
                    "target_max": high,
                    "notes": t.get("notes", []),
                    **alive,
                },
            )
            if _set_assignments(task, t, agencies, by_group_key, actor):
                assignment_changes += 1
    reports += [_retire(task_groups, parsed.name), _retire(tasks, parsed.name)]
    if assignment_changes:
        reports.append(LoadReport(gettext_lazy("task assignments"), updated=assignment_changes))

    result = LoadResult(plan=plan, reports=reports)
    latest = plan.revisions.first()
    if result.changed or latest is None or latest.source_sha256 != parsed.sha256:
        result.revision = PlanRevision.objects.create(
            plan=plan,
            loaded_by=audit.actor_label(actor),
            source_file=parsed.name,
            source_sha256=parsed.sha256,
            summary={str(r.name): [r.created, r.updated, r.unchanged, r.deleted] for r in reports},
        )
    return result


def _retire(upserter: Upserter[Any], source: str) -> LoadReport:
    """Items no longer in the file are retired (kept for the reports that cite them)."""
    now = timezone.now()
    for key, obj in upserter.existing.items():
        if key in upserter.touched or getattr(obj, "retired_at", None) is not None:
            continue
        obj.retired_at = now
        obj.save(update_fields=["retired_at"])
        audit.record(
            actor=upserter.actor,
            action=f"{upserter.action}.retire",
            target=obj,
            before={"retired_at": None},
            after={"retired_at": audit.json_value(now)},
            summary=_("no longer in %(source)s") % {"source": source},
        )
        upserter.report.deleted += 1
    return upserter.finish(source=source)


def _set_assignments(
    task: Task,
    item: dict[str, Any],
    agencies: dict[str | None, Agency],
    groups: dict[str, AgencyGroup],
    actor: User | None,
) -> bool:
    """Replace the task's assignees if the file changed them; True when an existing list
    changed (a new task's assignees are part of its creation)."""
    wanted = [
        (role, ref, position)
        for role in ("lead", "co")
        for position, ref in enumerate(item.get(role, []), start=1)
    ]
    current = [(a.role, a.reference, a.position) for a in task.assignments.all()]
    if sorted(current) == sorted(wanted):
        return False
    task.assignments.all().delete()
    TaskAssignment.objects.bulk_create(
        TaskAssignment(
            task=task,
            role=role,
            position=position,
            agency=None if ref.startswith("@") else agencies[ref],
            group=groups[ref[1:]] if ref.startswith("@") else None,
        )
        for role, ref, position in wanted
    )
    if not current:
        return False
    audit.record(
        actor=actor,
        action="plan_task.assignments",
        target=task,
        before={"assignments": sorted(f"{r}:{ref}" for r, ref, _p in current)},
        after={"assignments": sorted(f"{r}:{ref}" for r, ref, _p in wanted)},
    )
    return True
