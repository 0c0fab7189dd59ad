"""Demo data of the interactions app: created once, including one breached complaint."""

from io import StringIO

import pytest

from interactions import demo
from interactions.models import Interaction, ServiceRequest, SurveyResponse
from tests.factories import CustomerFactory


@pytest.mark.django_db
def test_seed_is_idempotent_and_includes_a_breached_complaint(rm, lead):
    CustomerFactory.create_batch(5, relationship_manager=rm)

    demo.seed(scale="small", stdout=StringIO())
    counts = (
        Interaction.objects.count(),
        ServiceRequest.objects.count(),
        SurveyResponse.objects.count(),
    )
    demo.seed(scale="small", stdout=StringIO())

    assert counts == (15, 2, 2)
    assert (
        Interaction.objects.count(),
        ServiceRequest.objects.count(),
        SurveyResponse.objects.count(),
    ) == counts
    assert ServiceRequest.objects.filter(sla_breached=True, kind="complaint").count() == 1


@pytest.mark.django_db
def test_seed_without_customers_says_so():
    out = StringIO()

    demo.seed(scale="small", stdout=out)

    assert out.getvalue() == "interactions: no customers to seed"
