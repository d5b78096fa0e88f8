"""Public figures for the home page (counts only; no organisation's private data)."""

from typing import Any

from django.utils import timezone

from benvung.directory import selectors as directory
from benvung.directory.models import Enterprise, IndustrialArea
from benvung.plans.models import Plan


def home_figures() -> dict[str, Any]:
    today = timezone.localdate()
    areas = IndustrialArea.objects.valid_on(today)
    return {
        "commune_count": directory.current_communes().count(),
        "park_count": areas.filter(kind=IndustrialArea.Kind.PARK).count(),
        "cluster_count": areas.filter(kind=IndustrialArea.Kind.CLUSTER).count(),
        "village_count": areas.filter(kind=IndustrialArea.Kind.CRAFT_VILLAGE).count(),
        "enterprise_count": Enterprise.objects.valid_on(today).count(),
        "focus_sectors": directory.focus_sectors_with_codes(),
        "plans": Plan.objects.all(),
    }
