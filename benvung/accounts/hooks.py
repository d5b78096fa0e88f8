"""What accounts brings to the shared parts of the site (discovered by benvung.core.registry)."""

from benvung.core import access

from . import permissions

# core's own pages ask these; only accounts knows the roles that answer them.
access.ANSWERS.register(access.VIEW_AUDIT, permissions.can_view_audit)
access.ANSWERS.register(access.OVERSEE_IMPORTS, permissions.is_coordinator)
