# Each user's one role becomes its first RoleGrant (dated when the user joined). Backwards, a
# user gets back the highest of the roles it holds (the order below), so that going back and
# forth keeps every user's main role.

from django.db import migrations

# Highest first; a role an app added later (unknown here) comes after these.
ORDER = ["system_admin", "coordinator", "agency_reporter", "enterprise_user", "retail_reporter"]


def grants_from_role(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    db = schema_editor.connection.alias
    grants = [
        RoleGrant(user_id=pk, role=role, granted_at=joined)
        for pk, role, joined in User.objects.using(db)
        .exclude(role="")
        .values_list("pk", "role", "date_joined")
        .iterator()
    ]
    RoleGrant.objects.using(db).bulk_create(grants, batch_size=500, ignore_conflicts=True)


def role_from_grants(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    RoleGrant = apps.get_model("accounts", "RoleGrant")
    db = schema_editor.connection.alias
    held: dict[int, list[str]] = {}
    for user_id, role in RoleGrant.objects.using(db).values_list("user_id", "role"):
        held.setdefault(user_id, []).append(role)
    rank = {key: i for i, key in enumerate(ORDER)}
    for user_id, keys in held.items():
        main = min(keys, key=lambda k: (rank.get(k, len(ORDER)), k))
        User.objects.using(db).filter(pk=user_id).update(role=main)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_rolegrant'),
    ]

    operations = [
        migrations.RunPython(grants_from_role, role_from_grants),
    ]
