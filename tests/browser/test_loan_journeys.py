"""Loan applications in the browser: maker, two approvers and a risk officer to a disbursed loan."""

from decimal import Decimal

import pytest

from crm.demo import seed_people
from crm.models import User
from loans import services
from loans.defaults import seed_approval_tiers, seed_products, seed_required_materials
from loans.models import ApprovalTier, Loan, LoanApplication, LoanProduct
from tests.browser.conftest import log_in, screenshot
from tests.factories import CustomerFactory, make_user

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


def _page_as(new_page, username, **viewport):
    page = new_page(**viewport)
    # Workflow buttons ask "Are you sure?" (static/js/loans.js); a person answers yes.
    page.on("dialog", lambda dialog: dialog.accept())
    log_in(page, username, PASSWORD)
    return page


def _confirm(page, action):
    """Open the action's tab and press its Confirm button, waiting for the next page."""
    tab = page.get_by_role("tab", name=ACTION_TABS[action], exact=True)
    tab.click()
    with page.expect_navigation():
        page.get_by_test_id(f"action-{action}").click()


ACTION_TABS = {
    "submit": "Submit",
    "approve": "Approve",
    "risk-sign-off": "Risk sign-off",
    "sign-contract": "Sign contract",
    "disburse": "Disburse",
}


def _alert(page) -> str:
    return page.get_by_role("alert").first.inner_text().strip()


def _status(page) -> str:
    return page.locator("h1 [data-status]").inner_text()


def test_maker_two_approvers_and_risk_officer_take_an_application_to_a_repaid_loan(
    new_page, people
):
    customer = CustomerFactory(
        relationship_manager=people["rm1"],
        name="Huaxin Machinery Co., Ltd.",
        risk_level="high",
        risk_score=38,
    )
    fal = LoanProduct.objects.get(code="FAL")

    # the RM creates a collateral-backed application above the single-approver limit
    rm = _page_as(new_page, "rm1")
    rm.goto("/loans/applications/")
    rm.get_by_role("link", name="New application").click()
    assert rm.get_by_role("heading", name="New loan application").is_visible()
    rm.get_by_label("Customer", exact=True).select_option(str(customer.pk))
    rm.get_by_label("Product", exact=True).select_option(str(fal.pk))
    rm.get_by_label("Amount", exact=True).fill("8000000.00")
    rm.get_by_label("Term (months)").fill("60")
    rm.get_by_label("Annual rate (%)").fill("4.9000")
    rm.get_by_label("Repayment method").select_option("equal_installment")
    rm.get_by_label("Guarantee method").select_option("collateral")
    rm.get_by_label("Purpose of funds").fill("New CNC production line")
    for material in (
        "Business licence (营业执照)",
        "Articles of association (公司章程)",
        "Financial statements, 3 years (近三年财务报表)",
        "Bank statements (银行流水)",
        "Board resolution (董事会决议)",
        "Use-of-funds evidence (用款证明)",
    ):
        rm.get_by_label(material).check()
    rm.get_by_role("button", name="Save").click()
    rm.wait_for_url("**/loans/applications/*/")
    application = LoanApplication.objects.get()
    assert _alert(rm) == "Draft application created."
    assert _status(rm) == "Draft (草稿)"

    # collateral added on the application page; loan-to-value is shown
    rm.get_by_text("Add collateral").click()
    rm.get_by_label("Type", exact=True).select_option("real_estate")
    rm.get_by_label("Owner", exact=True).fill("Huaxin Machinery Co., Ltd.")
    rm.get_by_label("Value", exact=True).fill("12800000.00")
    rm.get_by_label("Valuation date").fill("2025-01-10")
    rm.get_by_label("Registration reference").fill("沪(2025)浦字第 001234 号")
    rm.get_by_label("Mortgage or pledge").select_option("mortgage")
    with rm.expect_navigation():
        rm.get_by_role("button", name="Add", exact=True).click()
    assert _alert(rm) == "Collateral added."
    assert rm.get_by_text("Loan-to-value 62.50 %").is_visible()

    # submitting without the collateral documents is refused with a clear message
    _confirm(rm, "submit")
    assert _alert(rm) == (
        "Tick the missing required materials first: Collateral documents (抵押物权属证明)."
    )
    assert rm.get_by_test_id("materials-missing").inner_text() == "1 required missing"
    rm.get_by_label("Collateral documents (抵押物权属证明)").check()
    with rm.expect_navigation():
        rm.get_by_role("button", name="Save checklist").click()
    assert _alert(rm) == "Materials checklist saved."
    _confirm(rm, "submit")
    assert _alert(rm) == "Application submitted."
    assert _status(rm) == "Submitted (已提交)"
    screenshot(rm, "loans-1-rm-submitted")

    # approver 1 finds it in the queue and approves level 1
    first = _page_as(new_page, "approver1")
    first.goto("/loans/applications/?queue=mine")
    first.get_by_role("link", name=f"#{application.pk}").click()
    _confirm(first, "approve")
    assert _alert(first) == "Approval recorded."
    assert _status(first) == "Under review (审批中)"
    assert first.get_by_test_id("action-approve").count() == 0

    # approver 2 approves level 2 (above the CNY 5 m single-approver limit)
    second = _page_as(new_page, "approver2")
    second.goto(f"/loans/applications/{application.pk}/")
    _confirm(second, "approve")
    assert _status(second) == "Under review (审批中)"

    # the risk officer signs off the high-risk customer: now approved
    risk = _page_as(new_page, "risk1")
    risk.goto(f"/loans/applications/{application.pk}/")
    assert risk.get_by_test_id("action-approve").count() == 0
    _confirm(risk, "risk-sign-off")
    assert _alert(risk) == "Risk sign-off recorded."
    assert _status(risk) == "Approved (已批准)"
    record = risk.get_by_test_id("approvals").get_by_role("listitem")
    assert record.count() == 3
    assert "Liu Yang 刘洋 · Approve (同意)" in record.nth(0).inner_text()
    assert "Zhao Lei 赵磊 · Approve (同意)" in record.nth(1).inner_text()
    assert "Sun Li 孙丽 · Signed off (会签同意)" in record.nth(2).inner_text()
    screenshot(risk, "loans-1-risk-approved")

    # the RM signs the contract and disburses; the loan page shows the schedule
    rm.goto(f"/loans/applications/{application.pk}/")
    _confirm(rm, "sign-contract")
    assert _status(rm) == "Contract signed (合同已签订)"
    rm.get_by_role("tab", name="Disburse").click()
    rm.get_by_label("Disbursed on").fill("2025-01-31")
    with rm.expect_navigation():
        rm.get_by_test_id("action-disburse").click()
    loan = Loan.objects.get()
    assert _alert(rm) == "Loan disbursed."
    assert rm.get_by_role(
        "heading", name=f"Loan L{loan.pk} · Huaxin Machinery Co., Ltd."
    ).is_visible()
    rows = rm.get_by_test_id("schedule").locator("tbody tr")
    assert rows.count() == 60
    # 8,000,000 over 60 months at 4.9 % p.a., equal installment: 150,603.63 a month
    assert rows.nth(0).locator("td").all_inner_texts() == [
        "1",
        "2025-02-28",
        "117,936.96",
        "32,666.67",
        "150,603.63",
        "0.00",
        "Due (待还)",
    ]
    assert rows.nth(59).locator("td").all_inner_texts()[:3] == ["60", "2030-01-31", "149,991.01"]

    # the RM posts the first installment and sees it paid
    form = rm.get_by_test_id("repayment-form")
    form.get_by_label("Paid on").fill("2025-02-28")
    form.get_by_label("Amount").fill("150603.63")
    with rm.expect_navigation():
        form.get_by_role("button", name="Post").click()
    assert _alert(rm) == "Repayment posted."
    assert rows.nth(0).locator("td").all_inner_texts()[5:] == ["150,603.63", "Paid (已还)"]
    assert rows.nth(1).locator("td").all_inner_texts()[6] == "Due (待还)"
    assert rm.get_by_test_id("outstanding").inner_text() == "7,882,063.04"
    screenshot(rm, "loans-1-rm-loan-repaid")


def test_nobody_approves_their_own_submission_and_wrong_actors_see_no_approve(new_page, people):
    # an approver who is also a relationship manager prepares and submits an application
    both = make_user("relationship_manager", username="rm_approver", display_name="Gao Yan 高燕")
    both.groups.add(people["approver1"].groups.get())
    both.set_password(PASSWORD)
    both.save()
    customer = CustomerFactory(relationship_manager=both, name="Dongfang Textiles Co., Ltd.")
    product = LoanProduct.objects.get(code="WCL")
    application = services.application_create(
        user=both,
        customer=customer,
        product=product,
        amount=D("1200000.00"),
        term_months=12,
        annual_rate=D("4.3500"),
        repayment_method="equal_principal",
        purpose="Cotton purchases",
        guarantee_method="credit",
        materials=product.materials_required_for("credit"),
    )
    services.application_submit(application=application, user=both, comment="complete")

    maker = _page_as(new_page, "rm_approver")
    maker.goto(f"/loans/applications/{application.pk}/")
    assert _status(maker) == "Submitted (已提交)"
    assert maker.get_by_test_id("action-approve").count() == 0
    assert maker.get_by_role("tab", name="Approve").count() == 0
    # and their queue does not offer it
    maker.goto("/loans/applications/?queue=mine")
    assert maker.get_by_test_id("empty-state").is_visible()
    screenshot(maker, "loans-2-maker-own-queue-empty")

    # the risk officer has nothing to sign (not high risk) and may never approve
    risk = _page_as(new_page, "risk1")
    risk.goto(f"/loans/applications/{application.pk}/")
    assert risk.get_by_role("tab").all_inner_texts() == ["Return for changes"]
    assert risk.get_by_test_id("action-approve").count() == 0

    # a relationship manager of another customer cannot even open it
    other = _page_as(new_page, "rm3")
    response = other.goto(f"/loans/applications/{application.pk}/")
    assert response.status == 404

    # a real approver can, and after approving has nothing left to press
    approver = _page_as(new_page, "approver1")
    approver.goto(f"/loans/applications/{application.pk}/")
    assert approver.get_by_role("tab").all_inner_texts() == [
        "Approve",
        "Reject",
        "Return for changes",
    ]
    _confirm(approver, "approve")
    assert _status(approver) == "Approved (已批准)"
    assert approver.get_by_test_id("actions").count() == 0
    screenshot(approver, "loans-2-approver-approved")


def test_application_list_on_a_phone(new_page, people):
    product = LoanProduct.objects.get(code="WCL")
    for name, amount, submit in (
        ("Huaxin Machinery Co., Ltd.", "2500000.00", True),
        ("Dongfang Textiles Co., Ltd.", "800000.00", True),
        ("Jiangnan Logistics Co., Ltd.", "12000000.00", False),
    ):
        customer = CustomerFactory(relationship_manager=people["rm1"], name=name)
        application = services.application_create(
            user=people["rm1"],
            customer=customer,
            product=product,
            amount=D(amount),
            term_months=24,
            annual_rate=D("4.3500"),
            repayment_method="equal_installment",
            purpose="Working capital",
            guarantee_method="credit",
            materials=product.materials_required_for("credit"),
        )
        if submit:
            services.application_submit(application=application, user=people["rm1"])

    page = _page_as(new_page, "approver1", width=390, height=844)
    page.goto("/loans/applications/")
    assert page.get_by_role("heading", name="Loan applications").is_visible()
    table = page.get_by_test_id("application-table")
    assert table.locator("tbody tr").count() == 3
    screenshot(page, "loans-3-phone-list-top")
    # nothing but the table itself scrolls sideways on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # sorting by amount from the header, largest first on the second tap
    page.get_by_role("link", name="Amount").click()
    page.wait_for_url("**sort=amount")
    page.get_by_role("link", name="Amount").click()
    page.wait_for_url("**sort=-amount")
    assert table.locator("tbody tr td:nth-child(4)").all_inner_texts() == [
        "12,000,000.00",
        "2,500,000.00",
        "800,000.00",
    ]
    assert page.locator("th[aria-sort=descending]").inner_text().startswith("Amount")
    screenshot(page, "loans-3-phone-list")
    # the approver's queue holds the two submitted applications
    page.goto("/loans/applications/?queue=mine")
    assert table.locator("tbody tr").count() == 2
