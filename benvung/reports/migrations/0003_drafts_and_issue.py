"""Drafts: documents without a number, issued later from their snapshot; what data were missing."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_document_dates_and_drafting_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="generateddocument",
            name="from_draft",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issued_documents",
                to="reports.generateddocument",
            ),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="gaps",
            field=models.JSONField(blank=True, default=list, verbose_name="missing data"),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="gaps_confirmed",
            field=models.BooleanField(default=False, verbose_name="issued with missing data"),
        ),
        migrations.AddField(
            model_name="generateddocument",
            name="is_draft",
            field=models.BooleanField(default=False, verbose_name="draft"),
        ),
        migrations.AddConstraint(
            model_name="generateddocument",
            constraint=models.CheckConstraint(
                condition=models.Q(("is_draft", False), ("number__isnull", True), _connector="OR"),
                name="reports_draft_has_no_number",
            ),
        ),
    ]
