# The roles a user holds are its RoleGrants now (0005 copied them). The column gets a default
# first so that going back can add it again to a table that has rows (0005 then fills it).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_role_grants_from_user_role'),
    ]

    operations = [
        migrations.AlterField(
            model_name='user',
            name='role',
            field=models.CharField(default='', max_length=20, verbose_name='role'),
        ),
        migrations.RemoveField(
            model_name='user',
            name='role',
        ),
    ]
