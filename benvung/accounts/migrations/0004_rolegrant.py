# A user may hold several roles (issue 13): one RoleGrant per role held. The role columns take
# their choices from the role registry (callable choices), so an app that adds a role needs no
# migration here.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import benvung.accounts.roles


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_email_case_insensitive'),
    ]

    operations = [
        migrations.AlterField(
            model_name='invitation',
            name='role',
            field=models.CharField(choices=benvung.accounts.roles.choices, max_length=40, verbose_name='role'),
        ),
        migrations.CreateModel(
            name='RoleGrant',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('role', models.CharField(choices=benvung.accounts.roles.choices, max_length=40, verbose_name='role')),
                ('granted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='granted at')),
                ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='granted by')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='role_grants', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'role grant',
                'verbose_name_plural': 'role grants',
                'ordering': ['user', 'granted_at', 'role'],
                'constraints': [models.UniqueConstraint(fields=('user', 'role'), name='accounts_rolegrant_unique')],
            },
        ),
    ]
