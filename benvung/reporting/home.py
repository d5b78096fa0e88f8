"""What reporting shows on the home pages (registered in hooks.py; see accounts.home)."""

from __future__ import annotations

from typing import Any

from benvung.accounts.models import User

from .models import AgencyReport, ReportingCycle


def home_part(viewer: User) -> dict[str, Any]:
    """The open reporting cycles, each with the viewer's organisation's report when there is one."""
    open_cycles = list(ReportingCycle.objects.filter(state=ReportingCycle.State.OPEN))
    mine = {
        r.cycle_id: r
        for r in AgencyReport.objects.filter(cycle__in=open_cycles, agency=viewer.organisation)
    }
    return {"open_cycles": [(c, mine.get(c.pk)) for c in open_cycles]}
