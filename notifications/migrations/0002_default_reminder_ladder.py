"""The default reminder ladder of API.md and DOMAIN.md §10 (admins edit it afterwards)."""

from django.db import migrations

DEFAULT_RUNGS = [
    # code, name, ladder, kind, offset, repeat, lead after, risk after
    ("pre-due-7", "7 days before the due date", "due_date", "repayment_reminder", -7, None, None, None),
    ("pre-due-1", "1 day before the due date", "due_date", "repayment_reminder", -1, None, None, None),
    # Overdue on day 1, then every 7 days; unacknowledged for 1 day → team lead, 3 days → risk.
    ("overdue", "Overdue: day 1, then every 7 days", "due_date", "repayment_overdue", 1, 7, 1, 3),
    ("pre-maturity-30", "30 days before maturity", "maturity", "maturity_reminder", -30, None, None, None),
]


def create_rungs(apps, schema_editor):
    ReminderRung = apps.get_model("notifications", "ReminderRung")
    for code, name, ladder, kind, offset, repeat, lead, risk in DEFAULT_RUNGS:
        ReminderRung.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "ladder": ladder,
                "kind": kind,
                "offset_days": offset,
                "repeat_every_days": repeat,
                "escalate_to_lead_after_days": lead,
                "escalate_to_risk_after_days": risk,
            },
        )


def remove_rungs(apps, schema_editor):
    ReminderRung = apps.get_model("notifications", "ReminderRung")
    ReminderRung.objects.filter(code__in=[row[0] for row in DEFAULT_RUNGS]).delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]

    operations = [migrations.RunPython(create_rungs, remove_rungs)]
