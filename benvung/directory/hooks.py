"""What directory brings to the shared parts of the site; imported once by
`benvung.core.registry.autodiscover` (see docs/adding-a-domain.md)."""

from django.utils.translation import gettext_lazy as _

from benvung.accounts import home as accounts_home
from benvung.core import audit_labels, loading, navigation
from benvung.core import demo as core_demo
from benvung.core.navigation import MenuEntry

from . import demo, home, loaders, permissions, selectors

audit_labels.register(
    {
        "organisation.create": _("organisation created"),
        "organisation.update": _("organisation changed"),
        "organisation.end": _("organisation ended"),
        "organisation.load": _("agencies loaded from the reference file"),
        "organisation_succession.add": _("successor recorded"),
        "organisation_succession.update": _("successor link changed by the reference file"),
        "organisation_succession.load": _("agency successions loaded from the reference file"),
        "organisationsuccession.confirm": _("successor link confirmed"),
        "industrialareasuccession.add": _("successor of an industrial area recorded"),
        "industrialareasuccession.confirm": _("successor of an industrial area confirmed"),
        "site.create": _("site created"),
        "site.update": _("site changed"),
        "industrial_area.create": _("industrial area created"),
        "industrial_area.update": _("industrial area changed"),
        "industrial_area.confirm": _("industrial area confirmed"),
        "industrial_area.load": _("industrial parks and clusters loaded from the seed file"),
        "administrative_unit.load": _("administrative units loaded"),
        "administrative_unit.update": _("administrative unit changed by the loader"),
        "administrative_unit_succession.load": _("administrative unit successions loaded"),
        "administrative_unit_succession.update": _("administrative unit succession changed"),
        "administrative_unit_succession.delete": _(
            "administrative unit succession removed by the loader"
        ),
        "sector.load": _("VSIC codes loaded"),
        "sector.update": _("VSIC code changed by the loader"),
        "focus_sector.load": _("focus sectors loaded"),
        "focus_sector.update": _("focus sector changed by the loader"),
        "demo_enterprise.load": _("demo enterprises generated"),
        "demo_enterprise.update": _("demo enterprise regenerated"),
        "demo_site.load": _("demo sites generated"),
        "demo_site.update": _("demo site regenerated"),
        "demo_retail_outlet.load": _("demo retail outlets generated"),
        "demo_retail_outlet.update": _("demo retail outlet regenerated"),
        "demo_industrial_area.load": _("demo craft villages generated"),
        "demo_industrial_area.update": _("demo craft village regenerated"),
    }
)

navigation.register(
    MenuEntry(
        "directory.organisations",
        _("Organisations"),
        "directory:organisation_list",
        80,
        permissions.can_manage_organisations,
    )
)
navigation.register(
    MenuEntry(
        "directory.successions",
        _("Successions"),
        "directory:succession_list",
        90,
        permissions.can_manage_organisations,
    )
)
navigation.register(
    MenuEntry(
        "directory.own_organisation",
        _("My organisation"),
        "directory:organisation_detail",
        95,
        permissions.sees_only_own_organisation,
        url_args=lambda user: [user.organisation_id],
    )
)
navigation.register(
    MenuEntry(
        "directory.industrial_areas",
        _("Industrial parks and clusters"),
        "directory:industrial_area_list",
        130,
        navigation.everyone,
    )
)
navigation.register(
    MenuEntry(
        "directory.communes",
        _("Communes and wards"),
        "directory:commune_list",
        140,
        navigation.everyone,
    )
)
navigation.register(
    MenuEntry(
        "directory.address_lookup",
        _("Old address lookup"),
        "directory:address_lookup",
        150,
        navigation.everyone,
    )
)

loading.register_reference(loading.ReferenceLoader("units", loaders.load_administrative_units))
loading.register_reference(loading.ReferenceLoader("sectors", loaders.load_sectors))
loading.register_reference(
    loading.ReferenceLoader("areas", loaders.load_industrial_areas, after=("units",))
)
loading.register_reference(
    loading.ReferenceLoader("agencies", loaders.load_agencies, after=("units",))
)

# Enterprises, sites, outlets, craft villages and one account per role: the other apps' demo
# data refers to them.
core_demo.register(core_demo.DemoBuilder("directory", lambda seed: demo.generate(seed=seed)))
core_demo.PRESENCE.register("directory", selectors.demo_organisations_present)

accounts_home.PARTS.register("directory", home.home_part)
