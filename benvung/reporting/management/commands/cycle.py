"""benvung cycle create|open|close --year Y --as EMAIL: run a reporting cycle from the shell.

The same services as the pages, acting as the named coordinator (and audited as them).
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _

from benvung.accounts.models import User
from benvung.core.commands import AuditedCommand
from benvung.plans.models import Plan
from benvung.plans.selectors import plan_by_number
from benvung.reporting import services
from benvung.reporting.models import ReportingCycle


class Command(AuditedCommand):
    help = "Create, open or close a reporting cycle, acting as a coordinator."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create", "open", "close"])
        parser.add_argument("--plan", default=None, help="plan number (default: the current plan)")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--as", dest="email", required=True, help="coordinator's e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            actor = User.objects.get(email__iexact=options["email"], is_active=True)
            plan = plan_by_number(options["plan"])
        except (User.DoesNotExist, Plan.DoesNotExist) as exc:
            raise CommandError(str(exc)) from exc
        try:
            if options["action"] == "create":
                cycle = services.cycle_create(actor=actor, plan=plan, year=options["year"])
            else:
                cycle = ReportingCycle.objects.get(plan=plan, year=options["year"])
                state = "open" if options["action"] == "open" else "closed"
                services.cycle_set_state(actor=actor, cycle=cycle, state=state)
        except ReportingCycle.DoesNotExist as exc:
            raise CommandError(
                _("There is no %(year)s reporting cycle for plan %(plan)s.")
                % {"year": options["year"], "plan": plan.number}
            ) from exc
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        self.stdout.write(f"{cycle}: {cycle.get_state_display()}")
