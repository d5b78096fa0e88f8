from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    # Tokens issued before scopes existed could write: they keep doing so (and never expire)
    # until revoked; new tokens read only unless issued with the write scope.
    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="expires at"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="scopes",
            field=models.CharField(default="read write", max_length=40, verbose_name="scopes"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="scopes",
            field=models.CharField(default="read", max_length=40, verbose_name="scopes"),
        ),
    ]
