"""Defaults of DOMAIN.md §10: contact intervals, SLA targets and festival dates."""

from datetime import date

from django.db import migrations

STAGE_DAYS = {"application": 7, "approval": 7, "post_loan": 90}
# Post-loan: key (重点) customers or high risk every 30 days.
POST_LOAN_CLOSE_DAYS = 30

# kind: (first handling h, reply h, urgent first handling h). Complaints and suggestions
# 24 h / 48 h [003 §6.3]; inquiries replied within 24 h; urgent items handled within 2 h.
SLA = {
    "complaint": (24, 48, 2),
    "suggestion": (24, 48, 2),
    "inquiry": (24, 24, 2),
    "opinion": (24, 48, 2),
    "evaluation": (24, 48, 2),
    "service_request": (24, 48, 2),
}

FESTIVALS = (
    ("春节 Spring Festival", date(2026, 2, 17)),
    ("中秋 Mid-Autumn", date(2026, 9, 25)),
    ("国庆 National Day", date(2026, 10, 1)),
    ("春节 Spring Festival", date(2027, 2, 6)),
    ("中秋 Mid-Autumn", date(2027, 9, 15)),
    ("国庆 National Day", date(2027, 10, 1)),
    ("春节 Spring Festival", date(2028, 1, 26)),
    ("中秋 Mid-Autumn", date(2028, 10, 3)),
    ("国庆 National Day", date(2028, 10, 1)),
)


def forwards(apps, schema_editor):
    ContactPolicy = apps.get_model("interactions", "ContactPolicy")
    SlaPolicy = apps.get_model("interactions", "SlaPolicy")
    Festival = apps.get_model("interactions", "Festival")
    for stage, days in STAGE_DAYS.items():
        for tier in ("key", "general"):
            for risk_level in ("low", "medium", "high"):
                interval = days
                if stage == "post_loan" and (tier == "key" or risk_level == "high"):
                    interval = POST_LOAN_CLOSE_DAYS
                ContactPolicy.objects.get_or_create(
                    loan_stage=stage,
                    tier=tier,
                    risk_level=risk_level,
                    defaults={"interval_days": interval},
                )
    for kind, (first, reply, urgent) in SLA.items():
        SlaPolicy.objects.get_or_create(
            kind=kind,
            defaults={
                "first_handling_hours": first,
                "reply_hours": reply,
                "urgent_first_handling_hours": urgent,
            },
        )
    for name, day in FESTIVALS:
        Festival.objects.get_or_create(date=day, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("interactions", "0002_interactions_service_surveys")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
