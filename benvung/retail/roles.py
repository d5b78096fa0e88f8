"""The role retail adds: a supermarket's or trade centre's own reporter (registered in hooks)."""

from django.utils.translation import gettext_lazy as _

from benvung.accounts.roles import Role

RETAIL_REPORTER = "retail_reporter"

retail_reporter = Role(
    RETAIL_REPORTER,
    _("retail reporter"),
    "retail_outlet",
    home_template="retail/home.html",
)
