"""What resources brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.core import audit_labels, energy, loading, materials, navigation, tableimport
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry
from benvung.indicators import registry as indicators
from benvung.reports import readiness, sections

from . import demo, measures, permissions, report_sections, selectors
from .imports import ConsumptionImporter
from .loaders import load_resource_reference

audit_labels.register(
    {
        "site_year.replace_submitted": _("submitted yearly data replaced (to be submitted again)"),
    }
)

navigation.register(
    MenuEntry(
        "resources.index",
        _("Energy and materials"),
        "resources:index",
        40,
        permissions.can_use_resources,
    )
)

loading.register_reference(
    loading.ReferenceLoader("resources", load_resource_reference, after=("sectors",))
)
# Site-years of the demo sites, saved as the demo coordinator.
core_demo.register(
    core_demo.DemoBuilder("resources", lambda seed: [demo.generate(seed)], after=("directory",))
)

# The enterprises' consumption workbook, at /imports/consumption/.
tableimport.register(ConsumptionImporter)

for definition in measures.DEFINITIONS:
    indicators.register(definition)

# Appendix III of the annual report, after the plan's targets (I) and tasks (II).
sections.APPENDICES.register(
    "efficiency", sections.Part(order=30, build=report_sections.efficiency_appendix)
)
readiness.CHECKS.register(
    "resources",
    readiness.Check(
        order=10,
        find=report_sections.gaps,
        messages={report_sections.NO_FIGURES: report_sections.gap_message},
    ),
)

# Energy by site and year: other domains read it through benvung.core.energy.
energy.sources.register(energy.SOURCE, selectors.site_year_energy)
materials.sources.register(materials.SOURCE, selectors.site_year_materials)
