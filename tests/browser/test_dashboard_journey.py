"""A team lead opens the dashboard, sees the charts drawn and switches one to its table."""

from decimal import Decimal

import pytest

from crm.demo import seed_people
from crm.models import User
from loans.defaults import seed_approval_tiers, seed_products, seed_required_materials
from loans.models import ApprovalTier, Loan, LoanProduct
from tests.browser.conftest import log_in, screenshot
from tests.factories import CustomerFactory
from tests.loans.conftest import disbursed_loan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"


@pytest.fixture
def team_book():
    """The demo people, the products, and two loans of team A (one of them substandard)."""
    seed_people(password=PASSWORD)
    seed_products(LoanProduct)
    seed_approval_tiers(ApprovalTier)
    seed_required_materials(LoanProduct)
    users = {user.username: user for user in User.objects.all()}
    for username, outstanding, classification in (
        ("rm1", "750000.00", "normal"),
        ("rm2", "250000.00", "substandard"),
    ):
        customer = CustomerFactory(relationship_manager=users[username], region="Shanghai")
        loan = disbursed_loan(users[username], users["approver1"], customer)
        Loan.objects.filter(pk=loan.pk).update(
            outstanding_principal=Decimal(outstanding), classification=classification
        )
    return users


def test_lead_sees_charts_and_toggles_a_table(new_page, team_book):
    page = new_page()
    log_in(page, "lead1", PASSWORD)

    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/dashboard/")

    card = page.get_by_test_id("chart-classification")
    canvas = card.locator("canvas")
    canvas.wait_for(state="visible")
    assert canvas.bounding_box()["height"] > 100  # Chart.js drew into a sized box
    assert card.get_by_test_id("summary-classification-1").inner_text() == "25.00 %"
    table = card.get_by_test_id("table-classification")
    assert not table.is_visible()  # the chart is shown first

    card.get_by_role("button", name="Show table").click()

    assert table.is_visible()
    assert not canvas.is_visible()
    assert "Substandard (次级)" in table.inner_text()
    assert "250,000.00" in table.inner_text()
    screenshot(page, "dashboard-lead1")

    card.get_by_role("button", name="Show chart").click()
    canvas.wait_for(state="visible")
    assert not table.is_visible()
