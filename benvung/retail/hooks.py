"""What retail contributes to the shared registries (a new domain copies this file)."""

from benvung.accounts import roles as account_roles

from .roles import retail_reporter

account_roles.register(retail_reporter)
