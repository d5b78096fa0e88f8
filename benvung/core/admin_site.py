"""Django admin is a tool for the system administrator only, not for coordinators."""

from collections.abc import Callable

from django.contrib.admin import AdminSite
from django.http import HttpRequest


def restrict_admin_to_system_administrators(
    site: AdminSite, *, also: Callable[[HttpRequest], bool] = lambda request: True
) -> None:
    """`also`: a further condition on the request (config/urls.py asks for a session signed in
    with both factors), passed in because core knows nothing of accounts."""

    def has_permission(request: HttpRequest) -> bool:
        user = request.user
        # The user model's is_staff: an active system administrator.
        return bool(user.is_active and user.is_staff and also(request))

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.site_header = "Bền Vững"
    site.site_title = "Bền Vững"
    site.index_title = "Quản trị hệ thống"
