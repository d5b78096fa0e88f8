"""The migration to several roles per user: each user's one role becomes one grant, and back."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from benvung.directory.models import Agency, Enterprise

BEFORE = [("accounts", "0003_email_case_insensitive")]
AFTER = [("accounts", "0006_remove_user_role")]
DOMAIN = "@migration.example"


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    # A fresh loader: the graph's state after the move.
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_each_role_becomes_one_grant_and_going_back_restores_the_role():
    # Organisations are untouched by these migrations: made with today's models.
    agency = Agency.objects.create(name="Sở thử chuyển đổi", key="so-thu-chuyen-doi")
    enterprise = Enterprise.objects.create(name="Công ty thử chuyển đổi", tax_code="0312345679")
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        OldUser = old.get_model("accounts", "User")
        wanted = {
            "quantri": ("system_admin", agency),
            "dieuphoi": ("coordinator", agency),
            "coquan": ("agency_reporter", agency),
            "doanhnghiep": ("enterprise_user", enterprise),
            "banle": ("retail_reporter", agency),  # an app's role: copied like the others
        }
        for name, (role, org) in wanted.items():
            OldUser.objects.create(
                email=name + DOMAIN,
                full_name=name,
                password="!",
                organisation_id=org.pk,
                role=role,
            )

        executor = _migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        RoleGrant = new.get_model("accounts", "RoleGrant")
        NewUser = new.get_model("accounts", "User")
        grants = sorted(
            RoleGrant.objects.filter(user__email__endswith=DOMAIN).values_list(
                "user__email", "role"
            )
        )
        assert grants == sorted((name + DOMAIN, role) for name, (role, _org) in wanted.items())
        # Dated when the user joined; nobody granted them (the migration did).
        for grant in RoleGrant.objects.filter(user__email__endswith=DOMAIN):
            assert grant.granted_at == grant.user.date_joined and grant.granted_by_id is None

        # A second role held after the migration: going back keeps the highest one.
        coordinator = NewUser.objects.get(email="coquan" + DOMAIN)
        RoleGrant.objects.create(user=coordinator, role="coordinator")

        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        back = dict(
            old.get_model("accounts", "User")
            .objects.filter(email__endswith=DOMAIN)
            .values_list("email", "role")
        )
        expected = {name + DOMAIN: role for name, (role, _org) in wanted.items()}
        expected["coquan" + DOMAIN] = "coordinator"
        assert back == expected
    finally:
        MigrationExecutor(connection).migrate(leaves)
