"""What the packaging surveys add to the annual synthesis report: a sentence of section I on the
year's surveys. Registered from `hooks.py` (`benvung.reports.sections.RECORDED`).
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from benvung.reports.assemble import number
from benvung.reports.content import Paragraph, Section
from benvung.reports.sections import Annual

from .models import PackagingSurvey


def recorded(annual: Annual) -> list[str]:
    """How many packaging surveys the year has; nothing when none."""
    surveys = PackagingSurvey.objects.filter(year=annual.year)
    annual.provenance.setdefault("counts", {})["surveys"] = sorted(
        surveys.values_list("pk", flat=True)
    )
    count = surveys.count()
    if not count:
        return []
    return [
        _("%(surveys)s packaging surveys of supermarkets and trade centres were recorded.")
        % {"surveys": number(count)}
    ]


def surveys_clause(surveys: list[PackagingSurvey]) -> Section:
    """An agency's report: the packaging surveys it recorded in the year."""
    return Section(
        heading=_("Packaging surveys of retail outlets: %(n)s") % {"n": number(len(surveys))},
        paragraphs=[
            Paragraph(f"{s.outlet.name} ({s.get_eco_packaging_display()}).", "bullet")
            for s in surveys
        ],
    )
