from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from benvung.accounts.two_factor import session_is_complete
from benvung.api.api import api
from benvung.core.admin_site import restrict_admin_to_system_administrators
from benvung.core.health import healthz, readyz

restrict_admin_to_system_administrators(admin.site, also=session_is_complete)

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("benvung.portal.urls")),
    path("accounts/", include("benvung.accounts.urls")),
    path("directory/", include("benvung.directory.urls")),
    path("plans/", include("benvung.plans.urls")),
    path("reporting/", include("benvung.reporting.urls")),
    path("resources/", include("benvung.resources.urls")),
    path("outreach/", include("benvung.outreach.urls")),
    path("retail/", include("benvung.retail.urls")),
    path("indicators/", include("benvung.portal.dashboard_urls")),
    path("documents/", include("benvung.reports.urls")),
    path("api/", api.urls),
    path("audit/", include("benvung.core.urls")),
    path("imports/", include("benvung.core.import_urls")),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    # Choosing a language changes nothing but the visitor's own language cookie, so a forged
    # request can do no harm; without the token the public pages can be served from the cache
    # to every visitor (benvung/portal/cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
