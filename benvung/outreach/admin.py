from django.contrib import admin

from benvung.core.admin import ReadOnlyModelAdmin

from .models import OutreachActivity, SCPModel

# Read-only: the rules (units in force on the date, savings within consumption, review) live
# in the services, which the pages call; the admin only lets a system administrator look.


@admin.register(OutreachActivity)
class OutreachActivityAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "kind", "start_date", "organiser", "owner", "is_demo")
    list_filter = ("kind", "is_demo")
    search_fields = ("title", "organiser__name", "owner__name")
    date_hierarchy = "start_date"
    exclude = ("evidence_file",)  # private: served only by the permission-checked page


@admin.register(SCPModel)
class SCPModelAdmin(ReadOnlyModelAdmin):
    list_display = ("title", "kind", "year", "organisation", "owner", "state", "is_demo")
    list_filter = ("kind", "state", "year", "is_demo")
    search_fields = ("title", "organisation__name", "owner__name")
    exclude = ("evidence_file",)
