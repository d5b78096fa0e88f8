"""What retail brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.accounts import roles as account_roles
from benvung.core import audit_labels, navigation, tableimport
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry
from benvung.directory import demo as directory_demo
from benvung.indicators import registry as indicators
from benvung.reporting import recorded
from benvung.reports import sections

from . import demo, measures, permissions, report_sections, selectors
from .imports import SurveyImporter
from .roles import RETAIL_REPORTER, retail_reporter

audit_labels.register(
    {
        "packaging_survey.create": _("packaging survey recorded"),
        "packaging_survey.update": _("packaging survey changed"),
        "packaging_survey.delete": _("packaging survey deleted"),
    }
)

navigation.register(
    MenuEntry(
        "retail.surveys",
        _("Packaging surveys"),
        "retail:survey_list",
        70,
        permissions.can_use_retail,
    )
)

core_demo.register(core_demo.DemoBuilder("retail", demo.generate, after=("directory",)))

# The packaging surveys as an Excel table, at /imports/retail_survey/.
tableimport.register(SurveyImporter)

for definition in measures.DEFINITIONS:
    indicators.register(definition)

sections.RECORDED.register("retail", sections.Part(order=20, build=report_sections.recorded))

# What the agency recorded, listed on its yearly report (the page and the document).
recorded.KINDS.register(
    "surveys",
    recorded.Recorded(of=selectors.surveys_recorded_by, template="retail/_recorded_surveys.html"),
)
sections.AGENCY_RECORDS.register("surveys", report_sections.surveys_clause)

account_roles.register(retail_reporter)
# The demo's retail reporter, of the first demo supermarket.
directory_demo.ACCOUNTS.register(
    "banle",
    directory_demo.DemoAccount(
        f"banle@{directory_demo.DEMO_EMAIL_DOMAIN}", "Hoàng Văn Lẻ (mẫu)", RETAIL_REPORTER, "retail"
    ),
)
