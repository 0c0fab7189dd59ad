"""DOMAIN.md §10: on-site visits for key customers every 90 days, others every 180."""

from django.db import migrations


def forwards(apps, schema_editor):
    VisitPolicy = apps.get_model("interactions", "VisitPolicy")
    for tier, days in (("key", 90), ("general", 180)):
        VisitPolicy.objects.get_or_create(tier=tier, defaults={"interval_days": days})


class Migration(migrations.Migration):
    dependencies = [("interactions", "0005_visit_policy")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
