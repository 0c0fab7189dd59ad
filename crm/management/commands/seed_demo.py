"""`manage.py seed_demo [--password PW] [--scale small|bank] [--fraction F]`: idempotent set-up.

`small` (the default) is the demo portfolio. `bank` adds, on top of it, the benchmark portfolio of
bench/portfolio.py (50,000 customers, 120,000 loans, ... at `--fraction 1`).
"""

from importlib import import_module

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

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
        parser.add_argument(
            "--fraction",
            type=float,
            default=None,
            help="with --scale bank: seed this share of the benchmark portfolio (0 < F <= 1, "
            "default 1), e.g. 0.05 for a quick run",
        )

    def handle(self, *args, password, scale, fraction, **options):
        if fraction is not None and scale != "bank":
            raise CommandError("--fraction applies to --scale bank only.")
        if fraction is not None and not 0 < fraction <= 1:
            raise CommandError("--fraction must be greater than 0 and at most 1.")
        seed_people(password=password)
        for module_name in APP_SEEDERS:
            seed = _load_seeder(module_name)
            if seed is not None:
                # The benchmark portfolio comes on top of the demo set, never instead of it.
                seed(scale="small", stdout=self.stdout)
        if scale == "bank":
            from bench.portfolio import seed_bank

            seed_bank(fraction=fraction or 1.0, password=password, stdout=self.stdout)
        names = ", ".join(username for username, *_ in DEMO_USERS)
        self.stdout.write(self.style.SUCCESS(f"Demo users ready: {names}"))
        self.stdout.write(f"Password for all of them: {password}")
