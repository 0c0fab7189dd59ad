"""Browser pages, worklist sections, customer panel, timeline and demo data of the loans app."""

from datetime import date
from decimal import Decimal
from io import StringIO

from django.test import RequestFactory
from django.utils import timezone

from crm.registry import customer_timeline
from crm.worklist import OVERDUE, WorklistScope
from loans import services
from loans.demo import seed
from loans.jobs import dpd_classification
from loans.models import Loan, LoanApplication, LoanProduct
from loans.panels import customer_loans_panel
from loans.selectors import exposure_by_customer
from loans.worklist import approval_queue, repayments
from tests.factories import CustomerFactory
from tests.loans.conftest import disbursed_loan, make_application, submitted

D = Decimal


def test_browser_journey_maker_two_approvers_risk_officer(
    web_for, rm, approver, approver2, risk_officer, high_risk_customer
):
    # maker creates and submits
    client = web_for(rm)
    response = client.post(
        "/loans/applications/new/",
        {
            "customer": high_risk_customer.pk,
            "product": LoanProduct.objects.get(code="FAL").pk,
            "amount": "8000000.00",
            "term_months": "60",
            "annual_rate": "4.9000",
            "repayment_method": "equal_installment",
            "guarantee_method": "credit",
            "purpose": "New production line",
            "materials": [
                "business_licence",
                "articles",
                "financial_statements",
                "bank_statements",
                "board_resolution",
                "use_of_funds",
            ],
        },
    )
    application = LoanApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/loans/applications/{application.pk}/"
    client.post(f"/loans/applications/{application.pk}/actions/submit/", {"comment": "go"})
    # two approvers and the risk officer
    for user in (approver, approver2):
        page = web_for(user).get(f"/loans/applications/{application.pk}/")
        assert b'data-testid="action-approve"' in page.content
        web_for(user).post(f"/loans/applications/{application.pk}/actions/approve/", {})
    web_for(risk_officer).post(f"/loans/applications/{application.pk}/actions/risk-sign-off/", {})
    application.refresh_from_db()
    assert application.status == "approved"
    # maker signs and disburses
    client = web_for(rm)
    client.post(f"/loans/applications/{application.pk}/actions/sign-contract/", {})
    response = client.post(
        f"/loans/applications/{application.pk}/actions/disburse/", {"disbursed_on": "2025-01-31"}
    )
    loan = Loan.objects.get()
    assert response["Location"] == f"/loans/{loan.pk}/"
    page = client.get(f"/loans/{loan.pk}/")
    assert page.status_code == 200
    assert b"2025-02-28" in page.content  # month-end due date
    # 8,000,000 over 60 months at 4.9 % equal installment: 150,603.63 a month
    assert b"150,603.63" in page.content  # |money: thousand separators


def test_maker_sees_no_approve_button_and_refusal_is_a_message(web_for, rm, customer):
    application = submitted(rm, customer)
    client = web_for(rm)
    page = client.get(f"/loans/applications/{application.pk}/")
    assert b'data-testid="action-approve"' not in page.content
    response = client.post(
        f"/loans/applications/{application.pk}/actions/approve/", {}, follow=True
    )
    assert "Only credit approvers approve." in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_create_form_shows_product_limit_errors_inline(web_for, rm, customer):
    response = web_for(rm).post(
        "/loans/applications/new/",
        {
            "customer": customer.pk,
            "product": LoanProduct.objects.get(code="WCL").pk,
            "amount": "100.00",
            "term_months": "12",
            "annual_rate": "4.0000",
            "repayment_method": "bullet",
            "guarantee_method": "credit",
            "purpose": "x",
        },
    )
    assert response.status_code == 200
    assert "The amount must be between 10000.00 and 1000000000.00 for WCL." in (
        response.content.decode()
    )
    assert not LoanApplication.objects.exists()


def test_out_of_scope_pages_are_404(web_for, rm, rm_other_team, approver, customer):
    application = make_application(rm, customer)
    loan = disbursed_loan(rm, approver, customer)
    client = web_for(rm_other_team)
    assert client.get(f"/loans/applications/{application.pk}/").status_code == 404
    assert client.get(f"/loans/{loan.pk}/").status_code == 404
    assert client.post(f"/loans/{loan.pk}/repayments/", {}).status_code == 404


def test_repayment_form_posts_and_overpayment_shows_error(web_for, rm, approver, customer):
    loan = disbursed_loan(rm, approver, customer, amount=D("120000.00"))
    client = web_for(rm)
    client.post(f"/loans/{loan.pk}/repayments/", {"paid_on": "2025-02-15", "amount": "5000.00"})
    response = client.post(
        f"/loans/{loan.pk}/repayments/",
        {"paid_on": "2025-02-15", "amount": "999999.00"},
        follow=True,
    )
    assert "still owed" in response.content.decode()
    assert loan.repayments.count() == 1


def test_application_list_filters_and_query_count(
    web_for, rm, approver, customer, django_assert_num_queries
):
    submitted(rm, customer)
    make_application(rm, customer)
    client = web_for(approver)
    assert client.get("/loans/applications/?status=submitted").context["page"].paginator.count == 1
    assert client.get("/loans/applications/?queue=mine").context["page"].paginator.count == 1
    client = web_for(rm)
    client.get("/loans/applications/")
    with django_assert_num_queries(6):
        client.get("/loans/applications/")
    for _ in range(5):
        make_application(rm, CustomerFactory(relationship_manager=rm))
    with django_assert_num_queries(6):
        client.get("/loans/applications/")


def test_loan_page_query_count_independent_of_schedule_length(
    web_for, rm, approver, customer, django_assert_num_queries
):
    short = disbursed_loan(rm, approver, customer, term_months=6)
    long = disbursed_loan(rm, approver, customer, term_months=36)
    client = web_for(rm)
    client.get(f"/loans/{short.pk}/")
    with django_assert_num_queries(8):
        client.get(f"/loans/{short.pk}/")
    with django_assert_num_queries(8):
        client.get(f"/loans/{long.pk}/")


def test_worklist_sources(rm, approver, customer):
    loan = disbursed_loan(rm, approver, customer, disbursed_on=date(2025, 1, 15))
    application = submitted(rm, customer)
    now = timezone.now()

    def scope(user):
        return WorklistScope(user=user, today=timezone.localdate(now), now=now)

    # the loan (12 monthly installments from 2025-02-15) is wholly overdue by now: one row
    [row] = repayments(scope(rm)).items
    owed = sum(i.principal + i.interest for i in loan.installments.all())
    days = (timezone.localdate(now) - date(2025, 2, 15)).days
    assert (row.key, row.band, row.due) == (f"repayment-{loan.pk}", OVERDUE, date(2025, 2, 15))
    assert row.reason == f"Overdue {days} days · CNY {owed:,.2f} · 12 installments unpaid"
    assert row.score == 1000 + 300 + min(days, 100)
    [queued] = approval_queue(scope(approver)).items
    assert queued.key == f"approval-{application.pk}"
    assert queued.reason.endswith("approval 1 of 1")
    assert approval_queue(scope(rm)) is None
    assert repayments(scope(approver)) is None


def test_panel_exposure_and_timeline(rm, approver, customer, rm_other_team):
    loan = disbursed_loan(rm, approver, customer, amount=D("300000.00"))
    services.repayment_post(loan=loan, user=rm, paid_on=date(2025, 2, 15), amount=D("30000.00"))
    loan.refresh_from_db()
    assert exposure_by_customer([customer.pk]) == {customer.pk: loan.outstanding_principal}
    request = RequestFactory().get("/")
    request.user = rm
    panel = customer_loans_panel(request, customer)
    assert panel["loans"] == [loan]
    assert panel["exposure"] == loan.outstanding_principal
    entries = customer_timeline(customer, rm, kinds=["loan_event", "repayment"])
    assert entries[0].kind == "repayment"
    assert [e.kind for e in entries].count("loan_event") == 5
    assert customer_timeline(customer, rm_other_team, kinds=["loan_event", "repayment"]) == []


def test_demo_seed_is_idempotent(db):
    from crm.demo import seed_people

    seed_people(password="x")
    from crm.models import User

    for index, username in enumerate(["rm1", "rm2", "rm3"] * 4):
        CustomerFactory(
            relationship_manager=User.objects.get(username=username), name=f"Demo {index}"
        )
    out = StringIO()
    seed(scale="small", stdout=out)
    counts = (LoanApplication.objects.count(), Loan.objects.count())
    seed(scale="small", stdout=out)
    assert (LoanApplication.objects.count(), Loan.objects.count()) == counts == (28, 20)
    statuses = set(LoanApplication.objects.values_list("status", flat=True))
    assert statuses == {
        "draft",
        "submitted",
        "under_review",
        "returned",
        "approved",
        "rejected",
        "contract_signed",
        "disbursed",
    }
    dpd_classification(as_of=date.today())  # noqa: DTZ011 - the demo is relative to today
    assert Loan.objects.filter(days_past_due__gt=90).exists()
    assert Loan.objects.filter(days_past_due__gt=0, days_past_due__lte=90).exists()
