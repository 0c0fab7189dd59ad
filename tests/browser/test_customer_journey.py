"""Browser journey (Playwright + system Chromium): an RM onboards a company from nothing."""

import pytest

from crm.roles import Role
from customers.models import Customer
from tests.factories import TEST_PASSWORD, TeamFactory, make_user

pytestmark = [pytest.mark.browser]
SAVE = "[data-testid=entity-form] button[type=submit]"


@pytest.fixture
def page(new_page):
    """A phone-sized page in the suite's shared Chromium (tests/browser/conftest.py)."""
    return new_page(width=390, height=844)


@pytest.mark.django_db(transaction=True)
def test_rm_onboards_a_company_and_reveals_a_phone(page, live_server):
    from crm.roles import sync_role_groups

    # A transactional test starts from an empty database: recreate the role groups.
    sync_role_groups()
    rm = make_user(Role.RELATIONSHIP_MANAGER, team=TeamFactory(name="Team A"), username="rm_web")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", rm.username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/customers/new/")
    page.fill("#id_name", "厦门海湾贸易有限公司")
    page.fill("#id_uscc", "91350100M000100Y44")
    page.select_option("#id_legal_form", "enterprise")
    page.select_option("#id_industry", "F")
    page.select_option("#id_size", "small")
    page.fill("#id_region", "Xiamen")
    page.click(SAVE)
    assert "Wrong check character" in page.inner_text("[data-field-error=uscc]")

    page.fill("#id_uscc", "91350100M000100Y43")
    page.click(SAVE)
    page.wait_for_selector("[data-testid=customer-name]")
    customer = Customer.objects.get()
    assert page.inner_text("[data-testid=customer-name]") == "厦门海湾贸易有限公司"

    page.goto(f"{live_server.url}/customers/{customer.pk}/contacts/new/")
    page.fill("#id_name", "陈总")
    page.select_option("#id_role", "legal_representative")
    page.fill("#id_phone", "13900001111")
    page.click(SAVE)
    page.wait_for_selector("[data-tab=contacts].active")
    assert "139****1111" in page.inner_text("[data-testid=contact-table]")

    page.click("[data-testid=contact-table] button[hx-post]")
    page.wait_for_selector("[data-testid=revealed]")
    assert "13900001111" in page.inner_text("[data-testid=revealed]")

    page.goto(f"{live_server.url}/customers/{customer.pk}/statements/new/")
    page.fill("#id_period_end", "2025-12-31")
    page.fill("#id_revenue", "1000")
    page.fill("#id_total_assets", "2000")
    page.fill("#id_total_liabilities", "500")
    page.click(SAVE)
    page.wait_for_selector("[data-tab=financials].active")
    assert "0.2500" in page.inner_text("[data-testid=statement-table]")
    # Chart.js drew on the canvas (it sets its own size attributes when it renders).
    page.wait_for_function("document.getElementById('ratio-chart').width > 0")
    assert page.evaluate("typeof Chart !== 'undefined' && !!Chart.getChart('ratio-chart')")
