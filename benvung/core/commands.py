"""Base class for the project's management commands: their writes are audited as 'command'."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from .audit import audit_context


class AuditedCommand(BaseCommand):
    def execute(self, *args: Any, **options: Any) -> Any:
        name = self.__class__.__module__.rsplit(".", 1)[-1]
        # Messages the services raise read in the installation's language, as on the web.
        with translation.override("vi"), audit_context(source="command", command=name):
            return super().execute(*args, **options)
