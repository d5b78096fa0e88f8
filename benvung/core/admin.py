"""Django admin, for the system administrator: every change it makes is audited too.

Data that has its own pages and rules (organisations, sites, parks, successions) is read-only
here, so that those rules have one home: the services behind the pages.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from . import audit
from .models import AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """Records an audit event for every create, change and delete made in the admin."""

    def _action(self, obj: Model, verb: str) -> str:
        return f"admin.{obj._meta.model_name}.{verb}"

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk:
            before = audit.snapshot(type(obj)._default_manager.get(pk=obj.pk))
        super().save_model(request, obj, form, change)
        audit.record(
            actor=request.user,
            action=self._action(obj, "update" if change else "create"),
            target=obj,
            before=before,
            after=audit.snapshot(obj),
        )

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        audit.record(
            actor=request.user,
            action=self._action(obj, "delete"),
            target=obj,
            before=audit.snapshot(obj),
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyModelAdmin(admin.ModelAdmin):
    """Shown for reference; changed only through the application's pages and services."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyModelAdmin):
    list_display = ("created_at", "actor_label", "action", "target_repr")
    list_filter = ("action",)
    search_fields = ("actor_label", "target_repr", "summary")
    date_hierarchy = "created_at"
