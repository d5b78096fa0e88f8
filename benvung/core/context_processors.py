from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .demo import demo_data_present


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_URL": settings.SITE_URL,
        "DEMO_DATA_PRESENT": demo_data_present(),
    }
