"""What the outreach records add to the annual synthesis report: a sentence of section I on the
year's outreach activities and verified models. Registered from `hooks.py`
(`benvung.reports.sections.RECORDED`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from benvung.reports.assemble import number
from benvung.reports.content import Paragraph, Section
from benvung.reports.sections import Annual

from .models import OutreachActivity, SCPModel


def recorded(annual: Annual) -> list[str]:
    """The year's activities (with their participants) and verified models; nothing when the
    year has neither."""
    activities = OutreachActivity.objects.filter(start_date__year=annual.year)
    participants = sum(a.participants or 0 for a in activities)
    # An official document counts what was reviewed: verified models only (a proposal
    # waiting for the Department's check is not yet a model of the plan).
    models = SCPModel.objects.filter(year=annual.year, state=SCPModel.State.VERIFIED)
    counts = annual.provenance.setdefault("counts", {})
    counts["activities"] = sorted(activities.values_list("pk", flat=True))
    counts["scp_models"] = sorted(models.values_list("pk", flat=True))
    said = {
        "activities": number(activities.count()),
        "participants": number(participants),
        "models": number(models.count()),
    }
    if activities.exists() and models.exists():
        return [
            _(
                "The agencies recorded %(activities)s outreach activities with "
                "%(participants)s participants, and %(models)s sustainable production and "
                "consumption models were verified."
            )
            % said
        ]
    if activities.exists():
        return [
            _(
                "The agencies recorded %(activities)s outreach activities with "
                "%(participants)s participants."
            )
            % said
        ]
    if models.exists():
        return [_("%(models)s sustainable production and consumption models were verified.") % said]
    return []


def activities_clause(activities: list[OutreachActivity]) -> Section:
    """An agency's report: the outreach activities it recorded in the year."""
    items = []
    for a in activities:
        line = f"{a.title} ({a.start_date:%d/%m/%Y}"
        if a.participants is not None:
            line += ", " + _("%(n)s participants") % {"n": number(a.participants)}
        items.append(Paragraph(line + ").", "bullet"))
    return Section(
        heading=_("Outreach activities: %(n)s") % {"n": number(len(activities))},
        paragraphs=items,
    )


def scp_models_clause(models: list[SCPModel]) -> Section:
    """An agency's report: the SCP models it recorded in the year."""
    return Section(
        heading=_("Sustainable production and consumption models: %(n)s")
        % {"n": number(len(models))},
        paragraphs=[
            Paragraph(f"{m.title} ({m.organisation.name}; {m.get_state_display()}).", "bullet")
            for m in models
        ],
    )
