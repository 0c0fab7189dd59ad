"""`manage.py run_daily_jobs [--as-of YYYY-MM-DD] [--job NAME]`: the nightly batch."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from crm import jobs


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date as YYYY-MM-DD, not {value!r}") from None


class Command(BaseCommand):
    help = "Run every daily job, in order, for one business date (default: today)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_parse_date, default=None, help="YYYY-MM-DD")
        parser.add_argument("--job", action="append", default=None, help="run only this job")

    def handle(self, *args, as_of=None, job=None, **options):
        as_of = as_of or timezone.localdate()
        selected = jobs.registered_jobs()
        if job:
            try:
                selected = [jobs.get_job(name) for name in job]
            except KeyError as exc:
                raise CommandError(exc.args[0]) from None
        if not selected:
            self.stdout.write("No daily jobs are registered.")
            return
        for daily_job in selected:
            run = jobs.run_job(daily_job, as_of=as_of, triggered_by="command")
            seconds = run.duration.total_seconds()
            self.stdout.write(f"{daily_job.name} [{as_of}]: {run.summary} ({seconds:.1f}s)")
