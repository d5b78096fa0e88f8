"""benvung send_reminders [--day YYYY-MM-DD]: send the reminders due that day, now."""

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser

from benvung.core.commands import AuditedCommand
from benvung.reporting import reminders


class Command(AuditedCommand):
    help = "Send the reporting reminders due today (each is sent at most once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--day", type=dt.date.fromisoformat)

    def handle(self, *args: Any, **options: Any) -> None:
        count = reminders.send_due(options["day"])
        self.stdout.write(f"{count}")
