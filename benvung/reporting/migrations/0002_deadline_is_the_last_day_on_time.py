import datetime as dt

from django.db import migrations


def last_day_on_time(apps, schema_editor):
    """Cycles not yet closed of a plan that asks for reports before the day it names take the
    day before as their deadline (30 November for "trước ngày 01/12"). Closed cycles keep the
    deadline they were run with, and a deadline someone chose is left alone."""
    ReportingCycle = apps.get_model("reporting", "ReportingCycle")
    cycles = ReportingCycle.objects.filter(plan__report_deadline_before=True).exclude(
        state="closed"
    )
    for cycle in cycles.select_related("plan"):
        plan = cycle.plan
        named = dt.date(cycle.year, plan.report_deadline_month, plan.report_deadline_day)
        if cycle.report_deadline == named:
            cycle.report_deadline = named - dt.timedelta(days=1)
            cycle.save(update_fields=["report_deadline"])


class Migration(migrations.Migration):

    dependencies = [
        ("reporting", "0001_initial"),
        ("plans", "0003_report_deadline_before"),
    ]

    operations = [migrations.RunPython(last_day_on_time, migrations.RunPython.noop)]
