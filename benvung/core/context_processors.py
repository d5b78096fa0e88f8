from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    from benvung.devtools.selectors import demo_data_present

    return {
        "SITE_URL": settings.SITE_URL,
        "DEMO_DATA_PRESENT": demo_data_present(),
    }
