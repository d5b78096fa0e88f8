"""The demo's administrator and coordinator set up two-step sign-in at first sign-in, and the
printed sign-ins say so; reloading the demo removes the app a visitor set up."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from benvung.accounts import roles, two_factor
from benvung.accounts.models import User
from benvung.core.models import AuditEvent
from benvung.directory import demo

pytestmark = pytest.mark.django_db


@pytest.mark.two_factor_required
def test_demo_sign_ins_say_who_sets_up_two_step_sign_in_and_a_reload_removes_it(db):
    demo.generate()
    out = StringIO()
    call_command("demo_signins", stdout=out)
    lines = out.getvalue().splitlines()
    for account in demo.demo_accounts():
        line = next(line for line in lines if account.email in line)
        must = account.role in (roles.SYSTEM_ADMIN, roles.COORDINATOR)
        assert line.endswith(" *") == must, line
    assert any(line.startswith("* ") and "xác thực hai bước" in line for line in lines)

    coordinator = User.objects.with_role(roles.COORDINATOR).get(is_demo=True)
    row = next(r for r in demo.signins() if r["email"] == coordinator.email)
    client = Client()
    client.post(reverse("accounts:login"), {"username": row["email"], "password": row["password"]})
    assert client.get(reverse("accounts:home"))["Location"].startswith(
        reverse("accounts:two_factor_enrol")
    )

    device = two_factor.enrolment_device(user=coordinator)
    code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
    two_factor.two_factor_enrol(user=coordinator, device=device, token=f"{code:06d}")
    assert two_factor.has_two_factor(coordinator)
    demo.generate()
    assert not two_factor.has_two_factor(coordinator)
    assert two_factor.recovery_codes_left(coordinator) == 0
    assert AuditEvent.objects.filter(
        action="user.demo_reset", target_id=str(coordinator.pk)
    ).exists()
