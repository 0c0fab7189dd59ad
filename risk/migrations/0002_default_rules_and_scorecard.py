"""Default rule thresholds and the first scorecard (DOMAIN.md §10)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from risk.defaults import ensure_defaults

    ensure_defaults(apps)


class Migration(migrations.Migration):
    dependencies = [("risk", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
