"""Retention of the access log: the daily purge, its trigger exception and the 180-day floor."""

import os
import subprocess
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from crm.jobs import get_job, run_job
from crm.models import AccessLog
from crm.services import access_log_cutoff, access_log_purge

ROOT = Path(__file__).resolve().parents[2]
AS_OF = date(2026, 11, 23)


def _at(day: date, hour=12):
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def aged_log(rm, settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 365
    cutoff_day = AS_OF - timedelta(days=365)
    return {
        "old": AccessLog.objects.create(
            user=rm, action="view", category="basic", at=_at(cutoff_day - timedelta(days=1))
        ),
        "older": AccessLog.objects.create(
            user=rm, action="view", category="basic", at=_at(cutoff_day - timedelta(days=500))
        ),
        "kept": AccessLog.objects.create(
            user=rm, action="view", category="basic", at=_at(cutoff_day)
        ),
        "recent": AccessLog.objects.create(user=rm, action="view", category="basic"),
    }


@pytest.mark.django_db
def test_purge_deletes_entries_older_than_retention_and_logs_itself(aged_log):
    deleted, cutoff = access_log_purge(as_of=AS_OF)

    assert deleted == 2
    assert cutoff == access_log_cutoff(as_of=AS_OF) == _at(AS_OF - timedelta(days=365), hour=0)
    ids = {name: entry.pk for name, entry in aged_log.items()}
    remaining = set(AccessLog.objects.filter(pk__in=ids.values()).values_list("pk", flat=True))
    assert remaining == {ids["kept"], ids["recent"]}
    purge = AccessLog.objects.get(action="purge")
    assert purge.user is None
    assert purge.detail == (f"deleted 2 entries before {cutoff.isoformat()} (retention 365 days)")


@pytest.mark.django_db
def test_purge_twice_changes_nothing_the_second_time(aged_log):
    access_log_purge(as_of=AS_OF)
    before = list(AccessLog.objects.values_list("pk", flat=True))
    assert access_log_purge(as_of=AS_OF)[0] == 0
    assert list(AccessLog.objects.values_list("pk", flat=True)) == before


@pytest.mark.django_db
def test_the_daily_job_runs_the_purge(aged_log):
    run = run_job(get_job("crm.access_log_purge"), as_of=AS_OF)
    assert run.status == "succeeded"
    assert run.counts == {"deleted": 2}


@pytest.mark.django_db
def test_trigger_keeps_six_months_whatever_the_setting_says(rm, settings):
    # A misconfigured value (the settings refuse it at start-up; here forced at run time).
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    young = AccessLog.objects.create(
        user=rm, action="view", category="basic", at=timezone.now() - timedelta(days=100)
    )
    from django.db.utils import InternalError

    with pytest.raises(InternalError, match="append-only"):
        access_log_purge(as_of=timezone.localdate())
    assert AccessLog.objects.filter(pk=young.pk).exists()


@pytest.mark.django_db
def test_outside_the_purge_nothing_can_delete_old_entries(rm):
    from django.db import transaction
    from django.db.utils import InternalError

    old = AccessLog.objects.create(
        user=rm, action="view", category="basic", at=timezone.now() - timedelta(days=2000)
    )
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        AccessLog.objects.filter(pk=old.pk).delete()
    assert AccessLog.objects.filter(pk=old.pk).exists()


def _start_django(**env):
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "crm.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_retention_below_six_months_refuses_to_start():
    result = _start_django(ACCESS_LOG_RETENTION_DAYS="90")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "ACCESS_LOG_RETENTION_DAYS=90 is below the statutory minimum of 180 days" in (
        result.stderr
    )
    assert _start_django(ACCESS_LOG_RETENTION_DAYS="180").returncode == 0
