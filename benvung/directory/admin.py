from django.contrib import admin

from benvung.core.admin import AuditedModelAdmin, ReadOnlyModelAdmin

from .models import (
    AdministrativeUnit,
    AdministrativeUnitSuccession,
    Agency,
    Enterprise,
    FocusSector,
    IndustrialArea,
    Organisation,
    OrganisationSuccession,
    RetailOutlet,
    Sector,
    Site,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(AuditedModelAdmin):
    list_display = ("name", "code", "level", "edition", "parent", "valid_from", "valid_to")
    list_filter = ("edition", "level")
    search_fields = ("name", "code", "search_key")
    raw_id_fields = ("parent",)


@admin.register(AdministrativeUnitSuccession)
class AdministrativeUnitSuccessionAdmin(AuditedModelAdmin):
    list_display = ("predecessor", "successor", "kind", "is_primary", "status")
    list_filter = ("kind", "status")
    search_fields = ("predecessor__name", "successor__name")
    raw_id_fields = ("predecessor", "successor")


@admin.register(Sector)
class SectorAdmin(AuditedModelAdmin):
    list_display = ("code", "name", "level", "version", "status")
    list_filter = ("version", "level", "status")
    search_fields = ("code", "name", "name_en")
    raw_id_fields = ("parent",)


@admin.register(FocusSector)
class FocusSectorAdmin(AuditedModelAdmin):
    list_display = ("name", "key", "position")
    autocomplete_fields = ("sectors",)


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "valid_from", "valid_to", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("name", "short_name", "key")


for model in (Agency, Enterprise, RetailOutlet):
    admin.site.register(
        model,
        type(
            f"{model.__name__}Admin",
            (ReadOnlyModelAdmin,),
            {
                "list_display": ("name", "valid_from", "valid_to", "is_demo"),
                "search_fields": ("name",),
            },
        ),
    )


@admin.register(OrganisationSuccession)
class OrganisationSuccessionAdmin(ReadOnlyModelAdmin):
    list_display = ("predecessor", "successor", "kind", "effective_date", "status")
    list_filter = ("status", "kind")


@admin.register(IndustrialArea)
class IndustrialAreaAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "kind", "confirmation", "is_demo")
    list_filter = ("kind", "confirmation")
    search_fields = ("name",)


@admin.register(Site)
class SiteAdmin(ReadOnlyModelAdmin):
    list_display = ("name", "enterprise", "administrative_unit", "industrial_area")
    search_fields = ("name", "enterprise__name")
