"""The customer page in the browser: lazy tabs, the risk chart and breakdown, Chinese money."""

from datetime import date
from decimal import Decimal

import pytest

from crm.demo import seed_people
from crm.models import User
from loans.defaults import seed_approval_tiers, seed_products, seed_required_materials
from loans.models import ApprovalTier, LoanProduct
from risk.defaults import ensure_defaults
from risk.services import scores_compute
from tests.browser.conftest import log_in, screenshot
from tests.factories import CustomerFactory, make_service_request
from tests.loans.conftest import disbursed_loan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"
D = Decimal


@pytest.fixture
def customer():
    """rm1's customer with a disbursed loan, two risk scores and a complaint."""
    seed_people(password=PASSWORD)
    seed_products(LoanProduct)
    seed_approval_tiers(ApprovalTier)
    seed_required_materials(LoanProduct)
    ensure_defaults()
    rm = User.objects.get(username="rm1")
    customer = CustomerFactory(relationship_manager=rm, name="华信机械有限公司", risk_score=64)
    disbursed_loan(rm, User.objects.get(username="approver1"), customer, amount=D("1234567.89"))
    scores_compute(as_of=date(2026, 10, 31), customer_ids=[customer.pk])
    scores_compute(as_of=date(2026, 11, 20), customer_ids=[customer.pk])
    make_service_request(customer, summary="Statement arrived late.")
    return customer


def _tab(page, name):
    return page.get_by_role("tab", name=name, exact=True)


def test_rm_clicks_through_lazy_tabs_and_reads_money_in_chinese(new_page, customer):
    page = new_page()
    log_in(page, "rm1", PASSWORD)
    page.goto(f"/customers/{customer.pk}/")

    # The header: exposure with thousand separators, the worst class, the open-alert link.
    assert page.get_by_test_id("fact-exposure").inner_text() == "¥1,234,567.89"
    assert "Normal" in page.get_by_test_id("fact-worst-class").inner_text()
    # Only the profile is in the page; the loans tab arrives when it is shown.
    assert page.get_by_test_id("customer-loans").count() == 0
    with page.expect_response(f"**/customers/{customer.pk}/tab/loans/"):
        _tab(page, "Loans").click()
    page.get_by_test_id("customer-loans").wait_for()
    assert page.get_by_test_id("loans-exposure").inner_text() == "¥1,234,567.89"
    assert _tab(page, "Loans").get_attribute("aria-selected") == "true"
    assert page.url.endswith("?tab=loans")

    _tab(page, "Service").click()
    page.get_by_test_id("customer-service").wait_for()
    assert "Statement arrived late." in page.get_by_test_id("customer-service").inner_text()

    _tab(page, "Risk").click()
    page.get_by_test_id("risk-panel").wait_for()
    page.wait_for_selector("canvas.js-score-trend[data-drawn='1']")
    factors = page.get_by_test_id("score-factors")
    assert factors.locator("tbody tr").count() > 0
    page.wait_for_timeout(1200)  # let Chart.js finish its drawing animation for the screenshot
    screenshot(page, "customer-page-risk-desktop")

    # Arrow keys move along the tabs (the ARIA tabs pattern).
    _tab(page, "Risk").focus()
    page.keyboard.press("ArrowLeft")
    assert _tab(page, "Service").get_attribute("aria-selected") == "true"

    # Switch to Chinese with the language menu.
    with page.expect_navigation():
        page.select_option("select[name=language]", "zh-hans")
    page.goto(f"/customers/{customer.pk}/?tab=loans")
    assert page.get_by_test_id("fact-exposure").inner_text() == "¥1,234,567.89"
    assert page.get_by_test_id("loans-exposure").inner_text() == "¥1,234,567.89"
    assert _tab(page, "贷款").get_attribute("aria-selected") == "true"

    phone = new_page(width=375, height=812)
    log_in(phone, "rm1", PASSWORD)
    phone.goto(f"/customers/{customer.pk}/?tab=risk")
    phone.get_by_test_id("risk-panel").wait_for()
    phone.wait_for_selector("canvas.js-score-trend[data-drawn='1']")
    # Nothing sticks out sideways on a phone: the tab strip and tables scroll inside.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    phone.wait_for_timeout(1200)
    screenshot(phone, "customer-page-risk-375")
