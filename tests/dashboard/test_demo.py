"""`seed_demo` leaves every dashboard chart populated for a bank-wide viewer."""

from io import StringIO

import pytest
from django.core.management import call_command

from crm.models import User
from dashboard import selectors
from dashboard.charts import CHARTS
from interactions.models import ServiceRequest
from risk.models import Alert, RiskScore

pytestmark = pytest.mark.django_db


def test_demo_populates_every_chart_and_is_idempotent():
    call_command("seed_demo", "--password", "pw-2026-demo", stdout=StringIO())
    counts = (
        RiskScore.objects.count(),
        Alert.objects.filter(acknowledged_at__isnull=False).count(),
        ServiceRequest.objects.filter(replied_at__isnull=False).count(),
    )
    call_command("seed_demo", "--password", "pw-2026-demo", stdout=StringIO())

    risk_officer = User.objects.get(username="risk1")
    filters = selectors.default_filters()
    empty = [
        chart.key
        for chart in CHARTS
        if chart.figure(user=risk_officer, filters=filters).empty
        and risk_officer.has_perm(chart.permission)
    ]
    assert empty == []
    # Decisions are spread over hours after submission, not taken the instant they were made.
    assert selectors.approval_stats(user=risk_officer, filters=filters)["median_hours"] >= 4
    assert all(counts)
    assert (
        RiskScore.objects.count(),
        Alert.objects.filter(acknowledged_at__isnull=False).count(),
        ServiceRequest.objects.filter(replied_at__isnull=False).count(),
    ) == counts
