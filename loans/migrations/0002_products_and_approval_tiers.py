"""Seed the three products of API.md and the approval tiers of DOMAIN.md §10."""

from django.db import migrations


def seed(apps, schema_editor):
    from loans.defaults import seed_approval_tiers, seed_products

    seed_products(apps.get_model("loans", "LoanProduct"))
    seed_approval_tiers(apps.get_model("loans", "ApprovalTier"))


class Migration(migrations.Migration):
    dependencies = [("loans", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
