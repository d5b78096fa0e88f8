"""benvung api_token create|list|revoke --as EMAIL [--name NAME] [--scope read|write]
[--days N] [--prefix P]: API tokens."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils import timezone
from django.utils.formats import date_format
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
        parser.add_argument(
            "--scope",
            choices=["read", "write"],
            default="read",
            help="create: read only (the default), or write (read and write)",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="create: days the token is valid (default: API_TOKEN_DAYS, 365)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"], is_active=True).first()
        if user is None:
            raise CommandError(_("No active user %(email)s.") % {"email": options["email"]})
        try:
            if options["action"] == "create":
                token, raw = services.token_issue(
                    actor=user,
                    user=user,
                    name=options["name"],
                    scopes=[options["scope"]],
                    days=options["days"],
                )
                self.stdout.write(raw)
                self.stderr.write(
                    _("Keep this token now: it is not stored and cannot be shown again.")
                )
                self.stderr.write(
                    _("Scopes: %(scopes)s. Valid until %(until)s.")
                    % {
                        "scopes": token.scopes,
                        "until": date_format(
                            timezone.localtime(token.expires_at), "SHORT_DATETIME_FORMAT"
                        ),
                    }
                )
            elif options["action"] == "list":
                for token in ApiToken.objects.filter(user=user):
                    if token.revoked_at:
                        state = _("revoked")
                    elif token.is_expired():
                        state = _("expired")
                    else:
                        state = _("active")
                    until = (
                        date_format(timezone.localtime(token.expires_at), "SHORT_DATE_FORMAT")
                        if token.expires_at
                        else "—"
                    )
                    self.stdout.write(
                        f"{token.prefix}…  {token.name}  {token.scopes}  {until}  {state}"
                    )
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
