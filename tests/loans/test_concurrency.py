"""Two approvers acting at the same instant, on two real database connections."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from crm.exceptions import DomainError
from loans import services
from loans.choices import ApplicationStatus
from loans.models import ApprovalRecord, LoanApplication, LoanApplicationEvent
from tests.loans.conftest import submitted


@pytest.fixture(autouse=True)
def _reference_data(transactional_db):
    """Reference rows from data migrations, gone after an earlier transactional test's flush."""
    from django.apps import apps as django_apps

    from customers.models import Industry
    from loans.defaults import seed_approval_tiers, seed_products

    Industry.objects.get_or_create(code="C", defaults={"name": "Manufacturing"})
    seed_products(django_apps.get_model("loans", "LoanProduct"))
    seed_approval_tiers(django_apps.get_model("loans", "ApprovalTier"))


def _race(application, users):
    """Run application_approve for each user in its own thread, released together."""
    barrier = threading.Barrier(len(users))
    outcomes = {}

    def approve(user):
        try:
            barrier.wait(timeout=10)
            services.application_approve(application=application, user=user, comment="race")
            outcomes[user.username] = "ok"
        except DomainError as exc:
            outcomes[user.username] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_approvers_on_a_single_approver_application_only_one_wins(
    rm, approver, approver2, customer
):
    application = submitted(rm, customer)

    outcomes = _race(application, [approver, approver2])

    assert sorted(outcomes.values()) == ["TransitionNotAllowed", "ok"]
    application = LoanApplication.objects.get(pk=application.pk)
    assert application.status == ApplicationStatus.APPROVED
    assert ApprovalRecord.objects.filter(application=application).count() == 1
    assert (
        LoanApplicationEvent.objects.filter(application=application, action="approve").count() == 1
    )


@pytest.mark.django_db(transaction=True)
def test_two_approvers_on_a_two_level_application_fill_distinct_levels(
    rm, approver, approver2, customer
):
    application = submitted(rm, customer, amount=Decimal("8000000.00"))

    outcomes = _race(application, [approver, approver2])

    assert outcomes == {"approver_x": "ok", "approver_y": "ok"}
    levels = sorted(
        ApprovalRecord.objects.filter(application=application).values_list("level", flat=True)
    )
    assert levels == [1, 2]
    assert LoanApplication.objects.get(pk=application.pk).status == ApplicationStatus.APPROVED
