"""`risk.demo.seed`: settings always, a night's run and a few alerts for the small portfolio."""

from io import StringIO

import pytest

from crm.demo import seed_people
from crm.models import JobRun, User
from risk import demo
from risk.models import Alert, RiskEvent, RiskScore, RuleSetting, ScorecardVersion
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_seed_small_raises_demo_alerts_scores_everyone_and_is_idempotent():
    seed_people(password="pw-2026-demo")
    rm1 = User.objects.get(username="rm1")
    CustomerFactory.create_batch(4, relationship_manager=rm1)

    demo.seed(scale="small", stdout=StringIO())
    first = (Alert.objects.count(), RiskScore.objects.count(), RiskEvent.objects.count())
    demo.seed(scale="small", stdout=StringIO())

    # 2 manual alerts, 4 macro-event alerts (all four customers are in manufacturing).
    assert first == (6, 4, 1)
    assert (Alert.objects.count(), RiskScore.objects.count(), RiskEvent.objects.count()) == first
    assert JobRun.objects.filter(job="risk.nightly", status="succeeded").count() == 2


def test_seed_bank_only_ensures_the_settings():
    RuleSetting.objects.all().delete()

    demo.seed(scale="bank", stdout=StringIO())

    assert RuleSetting.objects.count() == 13
    assert ScorecardVersion.objects.filter(is_active=True).count() == 1
    assert not JobRun.objects.exists()
