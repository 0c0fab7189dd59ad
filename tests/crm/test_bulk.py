"""`bulk_update_values`: one UPDATE per batch, each field's value written as `save()` would."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from crm.bulk import bulk_update_values
from customers.models import Customer
from risk.models import Alert
from tests.factories import CustomerFactory


@pytest.mark.django_db
def test_it_writes_the_listed_fields_of_each_row_and_nothing_else():
    # given: three customers, two of them changed in memory
    first, second, untouched = CustomerFactory.create_batch(3, risk_level="low", risk_score=80)
    first.risk_score, first.risk_level, first.classified_on = 35, "high", date(2026, 3, 31)
    first.deposits = Decimal("1234567.89")
    second.risk_score, second.risk_level, second.classified_on = None, "", None
    second.name = "Not written: not a listed field"

    # when
    with CaptureQueriesContext(connection) as queries:
        updated = bulk_update_values(
            Customer,
            [first, second],
            ["risk_score", "risk_level", "classified_on", "deposits"],
            batch_size=1,
        )

    # then: one statement per batch, the listed fields written exactly
    assert updated == 2
    assert len(queries) == 2
    rows = {
        row["pk"]: row
        for row in Customer.objects.values(
            "pk", "name", "risk_score", "risk_level", "classified_on", "deposits"
        )
    }
    assert rows[first.pk] | {"name": None} == {
        "pk": first.pk,
        "name": None,
        "risk_score": 35,
        "risk_level": "high",
        "classified_on": date(2026, 3, 31),
        "deposits": Decimal("1234567.89"),
    }
    assert (rows[second.pk]["risk_score"], rows[second.pk]["risk_level"]) == (None, "")
    assert rows[second.pk]["name"] != "Not written: not a listed field"
    assert (rows[untouched.pk]["risk_score"], rows[untouched.pk]["risk_level"]) == (80, "low")


@pytest.mark.django_db
def test_json_values_are_written_as_json():
    customer = CustomerFactory()
    alert = Alert.objects.create(
        customer=customer, rule="repayment_overdue", severity="low", message="m",
        details={"days": 3}, raised_on=date(2026, 3, 1), last_seen_on=date(2026, 3, 1),
        due_at=timezone.now(),
    )  # fmt: skip
    alert.details = {"days": 10, "loans": [1, 2], "note": "逾期"}
    alert.severity = "high"

    assert bulk_update_values(Alert, [alert], ["details", "severity"]) == 1

    alert.refresh_from_db()
    assert (alert.details, alert.severity) == (
        {"days": 10, "loans": [1, 2], "note": "逾期"},
        "high",
    )


@pytest.mark.django_db
def test_database_constraints_still_hold():
    customer = CustomerFactory()
    customer.risk_score = 101  # customer_risk_score_0_to_100

    with pytest.raises(IntegrityError):
        bulk_update_values(Customer, [customer], ["risk_score"])


@pytest.mark.django_db
def test_nothing_to_write_is_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert bulk_update_values(Customer, [], ["risk_score"]) == 0
