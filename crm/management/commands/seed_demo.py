"""`manage.py seed_demo [--password PW] [--scale small|bank]`: idempotent demo set-up."""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand

from crm.demo import DEMO_USERS, seed_people

# Each app that has demo data exposes `seed(*, scale, stdout)` in `<app>/demo.py`; they run
# in this order because loans need customers, risk and interactions need both, and the
# dashboard's history needs the scores and alerts of risk.
APP_SEEDERS = (
    "customers.demo",
    "loans.demo",
    "risk.demo",
    "interactions.demo",
    "dashboard.demo",
)


def _load_seeder(module_name):
    try:
        return import_module(module_name).seed
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise
        return None


class Command(BaseCommand):
    help = "Create the demo users and teams (and demo data of every app). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=getattr(settings, "DEMO_PASSWORD", None) or "demo-pass-2026",
            help="password for every demo user (default: %(default)s)",
        )
        parser.add_argument("--scale", choices=("small", "bank"), default="small")

    def handle(self, *args, password, scale, **options):
        seed_people(password=password)
        for module_name in APP_SEEDERS:
            seed = _load_seeder(module_name)
            if seed is not None:
                seed(scale=scale, stdout=self.stdout)
        names = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(self.style.SUCCESS(f"Demo users ready: {names}"))
        self.stdout.write(f"Password for all of them: {password}")
