"""benvung api_token create|list|revoke --as EMAIL [--name NAME] [--prefix P]: API tokens."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from benvung.accounts.models import User
from benvung.api import services
from benvung.api.models import ApiToken
from benvung.core.commands import AuditedCommand


class Command(AuditedCommand):
    help = "Issue, list or revoke API tokens of a user (the token is shown once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "list", "revoke"])
        parser.add_argument("--as", dest="email", required=True, help="the token's user")
        parser.add_argument("--name", default="", help="create: the system using the token")
        parser.add_argument("--prefix", default="", help="revoke: the token's first characters")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(email)s.") % {"email": options["email"]})
        try:
            if options["action"] == "create":
                token, raw = services.token_issue(actor=user, user=user, name=options["name"])
                self.stdout.write(raw)
                self.stderr.write(
                    _("Keep this token now: it is not stored and cannot be shown again.")
                )
            elif options["action"] == "list":
                for token in ApiToken.objects.filter(user=user):
                    state = _("revoked") if token.revoked_at else _("active")
                    self.stdout.write(f"{token.prefix}…  {token.name}  {state}")
            else:
                found = ApiToken.objects.filter(
                    user=user, prefix=options["prefix"], revoked_at__isnull=True
                ).first()
                if found is None:
                    raise CommandError(
                        _("No active token starting with %(p)s.") % {"p": options["prefix"]}
                    )
                services.token_revoke(actor=user, token=found)
                self.stdout.write(_("Revoked."))
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
