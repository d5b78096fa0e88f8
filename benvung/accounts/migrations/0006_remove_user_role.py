# The roles a user holds are its RoleGrants now (0005 copied them).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_role_grants_from_user_role'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='user',
            name='role',
        ),
    ]
