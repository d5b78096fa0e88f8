"""benvung demo_signins: print the demo accounts, one per role."""

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from benvung.directory import demo


class Command(BaseCommand):
    help = "Print the demo sign-ins (e-mail and password) for each role."

    def handle(self, *args: Any, **options: Any) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            rows = demo.signins()
            if not rows:
                self.stdout.write(_("No demo accounts: run `benvung load_demo` first."))
                return
            self.stdout.write("")
            self.stdout.write(_("Demo sign-ins (demo data, not real organisations):"))
            width = max(len(str(r["role"])) for r in rows)
            for r in rows:
                mark = " *" if r["two_factor"] else ""
                self.stdout.write(
                    f"  {str(r['role']).ljust(width)}  {r['email']:<32} {r['password']}"
                    f"  ({r['organisation']}){mark}"
                )
            if any(r["two_factor"] for r in rows):
                self.stdout.write(
                    _(
                        "* These roles must use two-step sign-in: at the first sign-in the "
                        "account asks you to set up an authenticator app on your phone "
                        "(scan the QR code or type the key shown). Reloading the demo "
                        "(`benvung load_demo`) removes it again."
                    )
                )
            self.stdout.write("")
