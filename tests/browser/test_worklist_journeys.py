"""The worklist in the browser: an RM works their day inline, an approver and a second approver
clear the queue, a risk officer resolves an alert, and the list on a phone."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.demo import seed_people
from crm.models import User
from interactions.services import task_create
from loans.defaults import seed_approval_tiers, seed_products, seed_required_materials
from loans.models import ApprovalTier, LoanApplication, LoanProduct
from risk import services as risk_services
from risk.models import Alert
from tests.browser.conftest import log_in, screenshot
from tests.factories import AlertFactory, CustomerFactory, make_interaction
from tests.loans.conftest import submitted
from tests.risk.conftest import add_installment, make_loan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "journey-pass-2026"
D = Decimal


@pytest.fixture
def people():
    """The demo people and the seeded products (a transactional test starts from empty tables)."""
    seed_people(password=PASSWORD)
    seed_products(LoanProduct)
    seed_approval_tiers(ApprovalTier)
    seed_required_materials(LoanProduct)
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def rm_day(people):
    """rm1's day: an overdue repayment, a red alert, a follow-up, a customer not called lately."""
    rm = people["rm1"]
    today = timezone.localdate()
    customer = CustomerFactory(relationship_manager=rm, name="Huaxin Machinery Co., Ltd.")
    loan = make_loan(customer, by=rm)
    add_installment(
        loan,
        number=1,
        due_date=today - timedelta(days=12),
        principal=D("1200000.00"),
        interest=D("34567.00"),
    )
    alert = AlertFactory(
        customer=customer,
        severity="red",
        message="Debt-to-asset ratio 0.85 at or above 0.80",
        due_at=timezone.now() + timedelta(hours=6),
    )
    task = task_create(owner=rm, customer=customer, title="Send the term sheet", due_date=today)
    quiet = CustomerFactory(
        relationship_manager=rm, name="Quiet Trading Co.", lifecycle_stage="established"
    )
    make_interaction(quiet, occurred_at=timezone.now() - timedelta(days=120))
    return {"customer": customer, "loan": loan, "alert": alert, "task": task, "quiet": quiet}


def _approver_page(new_page, username):
    page = new_page()
    # Workflow buttons ask "Are you sure?" (static/js/loans.js); a person answers yes.
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, username, PASSWORD)
    return page


def _row(page, key):
    return page.locator(f'[data-key="{key}"]')


def test_rm_works_the_worklist_inline_then_opens_a_loan_and_a_customer_in_chinese(new_page, rm_day):
    loan, alert, task, quiet = rm_day["loan"], rm_day["alert"], rm_day["task"], rm_day["quiet"]
    page = new_page()
    log_in(page, "rm1", PASSWORD)

    # the day, most urgent first, each row saying why
    assert page.get_by_role("heading", name="Overdue or breached").is_visible()
    first = page.get_by_test_id("worklist-row").first
    assert "Huaxin Machinery Co., Ltd. · L" in first.inner_text()
    assert "Overdue 12 days · CNY 1,234,567.00" in first.inner_text()
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # acknowledge the alert inline: the row goes, the page stays
    _row(page, f"alert-{alert.pk}").get_by_role("button", name="Acknowledge").click()
    _row(page, f"alert-{alert.pk}").wait_for(state="detached")
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"

    # mark the follow-up done
    _row(page, f"task-{task.pk}").get_by_role("button", name="Done").click()
    _row(page, f"task-{task.pk}").wait_for(state="detached")

    # log a call to the customer not contacted for 120 days
    row = _row(page, f"contact-{quiet.pk}")
    assert "Contact overdue" in row.inner_text()
    row.get_by_text("Log contact").click()
    row.get_by_label("Summary").fill("Called the CFO; orders steady, no new needs.")
    row.get_by_role("button", name="Save contact").click()
    _row(page, f"contact-{quiet.pk}").wait_for(state="detached")
    assert page.evaluate("window.__sameDocument") is True
    assert page.get_by_test_id("worklist-row").count() == 1  # the repayment is left
    screenshot(page, "worklist-1-rm-after-inline-actions")

    # open the loan behind the repayment, then the customer
    page.get_by_role("link", name=f"Huaxin Machinery Co., Ltd. · L{loan.pk}").click()
    assert page.get_by_role("heading", name=f"Loan L{loan.pk}").is_visible()
    page.get_by_role("link", name="Customers", exact=True).click()
    page.get_by_role("link", name="Huaxin Machinery Co., Ltd.").first.click()
    assert page.get_by_test_id("customer-name").inner_text() == "Huaxin Machinery Co., Ltd."

    # the worklist in Chinese
    page.get_by_role("link", name="Worklist", exact=True).click()
    page.get_by_test_id("language-select").select_option("zh-hans")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="我的工作清单").is_visible()
    assert page.get_by_role("link", name="客户", exact=True).is_visible()
    assert "CNY 1,234,567.00" in page.get_by_test_id("worklist-row").first.inner_text()
    screenshot(page, "worklist-1-rm-chinese")


def test_two_approvers_clear_an_application_from_their_queues(new_page, people):
    customer = CustomerFactory(relationship_manager=people["rm1"], name="Donghai Logistics")
    application = submitted(people["rm1"], customer, amount=D("8000000.00"))
    key = f"approval-{application.pk}"

    first = _approver_page(new_page, "approver1")
    row = _row(first, key)
    assert "approval 1 of 2" in row.inner_text()
    assert "CNY 8,000,000.00" in row.inner_text()
    row.get_by_role("link").click()
    first.get_by_role("tab", name="Approve", exact=True).click()
    with first.expect_navigation():
        first.get_by_test_id("action-approve").click()
    first.goto("/")
    assert _row(first, key).count() == 0  # four-eyes: the same person cannot approve twice
    screenshot(first, "worklist-2-approver1-after-approving")

    second = _approver_page(new_page, "approver2")
    row = _row(second, key)
    assert "approval 2 of 2" in row.inner_text()
    row.get_by_role("link").click()
    second.get_by_role("tab", name="Approve", exact=True).click()
    with second.expect_navigation():
        second.get_by_test_id("action-approve").click()
    assert second.locator("h1 [data-status]").inner_text() == "Approved (已批准)"
    assert LoanApplication.objects.get(pk=application.pk).status == "approved"
    second.goto("/")
    assert _row(second, key).count() == 0
    screenshot(second, "worklist-2-approver2-queue-cleared")


def test_risk_officer_opens_the_queue_and_resolves_an_alert(new_page, people):
    customer = CustomerFactory(relationship_manager=people["rm1"], name="Minjiang Foods")
    alert = AlertFactory(
        customer=customer,
        severity="red",
        message="Revenue down 35% year on year",
        due_at=timezone.now() - timedelta(hours=3),
    )
    page = new_page()
    log_in(page, "risk1", PASSWORD)

    queue = page.get_by_test_id("worklist-risk.queue")
    assert queue.get_by_test_id("queue-overdue").inner_text() == "1"
    assert "Revenue down 35% year on year" in queue.get_by_test_id("queue-oldest").inner_text()
    screenshot(page, "worklist-3-risk-officer")
    queue.get_by_role("link", name="Open the queue").click()
    page.get_by_role("link", name="Revenue down 35% year on year").first.click()
    page.get_by_label("Response").select_option("adjust_terms")
    page.get_by_label("What was done").fill("Repayment plan stretched to 24 months")
    with page.expect_navigation():
        page.get_by_role("button", name="Resolve").click()

    assert "Done." in page.get_by_role("alert").first.inner_text()
    alert.refresh_from_db()
    assert (alert.status, alert.response) == ("resolved", "adjust_terms")
    page.goto("/")
    assert page.get_by_test_id("queue-oldest").count() == 0
    screenshot(page, "worklist-3-risk-officer-resolved")


def test_worklist_on_a_phone(new_page, rm_day):
    page = new_page(width=375, height=812)
    log_in(page, "rm1", PASSWORD)

    rows = page.get_by_test_id("worklist-row")
    assert rows.count() == 4
    assert rows.first.get_by_text("Overdue 12 days · CNY 1,234,567.00").is_visible()
    assert page.get_by_role("button", name="Acknowledge").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sideways
    contact = _row(page, f"contact-{rm_day['quiet'].pk}")
    contact.get_by_text("Log contact").click()
    assert contact.get_by_label("Summary").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "worklist-4-phone")

    # acknowledged meanwhile (another device): the row says why nothing happened
    alert = rm_day["alert"]
    risk_services.alert_acknowledge(alert=alert, user=alert.customer.relationship_manager)
    row = _row(page, f"alert-{alert.pk}")
    row.get_by_role("button", name="Acknowledge").click()
    row.get_by_text("cannot be acknowledged").wait_for()
    assert "An alert that is Acknowledged (已确认) cannot be acknowledged" in row.inner_text()
