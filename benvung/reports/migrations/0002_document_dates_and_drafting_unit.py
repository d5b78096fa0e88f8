from django.db import migrations, models


def dates_from_documents(apps, schema_editor):
    """Numbers given before the register kept dates take the date of their document."""
    RegisteredNumber = apps.get_model("reports", "RegisteredNumber")
    GeneratedDocument = apps.get_model("reports", "GeneratedDocument")
    for number in RegisteredNumber.objects.filter(issued_on__isnull=True):
        document = (
            GeneratedDocument.objects.filter(number=number, regenerated_from__isnull=True)
            .order_by("created_at")
            .first()
        )
        if document is not None:
            number.issued_on = document.issued_on
            number.save(update_fields=["issued_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="annualreporttext",
            name="drafting_unit",
            field=models.CharField(blank=True, max_length=60, verbose_name="drafting unit"),
        ),
        migrations.AddField(
            model_name="registerednumber",
            name="issued_on",
            field=models.DateField(blank=True, null=True, verbose_name="date of the document"),
        ),
        migrations.RunPython(dates_from_documents, migrations.RunPython.noop),
    ]
