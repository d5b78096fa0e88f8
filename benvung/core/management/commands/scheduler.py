"""benvung scheduler: enqueue the periodic jobs when they are due (runs until stopped)."""

import time
from typing import Any

from django.core.management.base import CommandParser

from benvung.core.commands import AuditedCommand
from benvung.core.schedule import enqueue_heartbeat, run_due


class Command(AuditedCommand):
    help = (
        "Enqueue periodic jobs (reminders) once a day, and the worker's heartbeat each minute; "
        "--once checks once and exits."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--interval", type=int, default=60, help="seconds between checks")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            for name in run_due():
                self.stdout.write(f"enqueued {name}")
            enqueue_heartbeat()
            if options["once"]:
                return
            time.sleep(options["interval"])
