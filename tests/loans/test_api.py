"""The loans API of API.md: shapes, statuses, scoping, query counts."""

from datetime import date
from decimal import Decimal

import pytest

from loans.models import LoanApplication, Repayment
from tests.factories import CustomerFactory
from tests.loans.conftest import disbursed_loan, make_application, submitted

D = Decimal
BODY = {
    "product": "WCL",
    "amount": "1000000.00",
    "term_months": 12,
    "annual_rate": "4.3500",
    "repayment_method": "equal_installment",
    "purpose": "Raw materials",
    "guarantee_method": "credit",
    "materials": ["business_licence", "articles", "financial_statements", "bank_statements"],
}


def test_create_submit_approve_sign_disburse_through_the_api(api_for, rm, approver, customer):
    maker, checker = api_for(rm), api_for(approver)

    created = maker.post("/api/v1/loan-applications/", {**BODY, "customer": customer.pk})
    assert created.status_code == 201, created.json()
    app_id = created.json()["id"]
    assert created.json()["status"] == "draft"
    assert created.json()["annual_rate"] == "4.3500"
    assert created.json()["amount"] == "1000000.00"

    assert (
        maker.post(f"/api/v1/loan-applications/{app_id}/submit/", {"comment": "go"}).json()[
            "status"
        ]
        == "submitted"
    )
    assert maker.post(f"/api/v1/loan-applications/{app_id}/approve/").status_code == 403
    approved = checker.post(f"/api/v1/loan-applications/{app_id}/approve/", {"comment": "ok"})
    assert approved.json()["status"] == "approved"
    assert approved.json()["approved_amount"] == "1000000.00"
    assert maker.post(f"/api/v1/loan-applications/{app_id}/sign-contract/").status_code == 200
    disbursed = maker.post(
        f"/api/v1/loan-applications/{app_id}/disburse/", {"disbursed_on": "2025-01-31"}
    )
    assert disbursed.status_code == 200
    loan_id = disbursed.json()["loan"]

    events = maker.get(f"/api/v1/loan-applications/{app_id}/events/").json()
    assert (events["count"], events["next"], events["previous"]) == (5, None, None)
    assert [(e["from"], e["to"], e["actor"]) for e in events["results"]] == [
        ("", "draft", "rm_a1"),
        ("draft", "submitted", "rm_a1"),
        ("submitted", "approved", "approver_x"),
        ("approved", "contract_signed", "rm_a1"),
        ("contract_signed", "disbursed", "rm_a1"),
    ]
    loan = maker.get(f"/api/v1/loans/{loan_id}/").json()
    assert loan == {
        "id": loan_id,
        "application": app_id,
        "customer": customer.pk,
        "product": "WCL",
        "principal": "1000000.00",
        "annual_rate": "4.3500",
        "term_months": 12,
        "repayment_method": "equal_installment",
        "disbursed_on": "2025-01-31",
        "maturity_date": "2026-01-31",
        "outstanding_principal": "1000000.00",
        "status": "active",
        "days_past_due": 0,
        "classification": "normal",
        "manual_classification": "",
        "status_as_of": None,
    }
    schedule = maker.get(f"/api/v1/loans/{loan_id}/schedule/").json()
    assert len(schedule) == 12
    assert schedule[0] == {
        "number": 1,
        "due_date": "2025-02-28",
        "principal": "81684.90",
        "interest": "3625.00",
        "amount": "85309.90",  # a bank calculator: 85,309.90 a month
        "paid_amount": "0.00",
        "paid_on": None,
        "status": "due",
    }
    assert sum(D(row["principal"]) for row in schedule) == D("1000000.00")


def test_illegal_transition_is_409_and_wrong_role_403(api_for, rm, approver, customer):
    application = make_application(rm, customer)
    url = f"/api/v1/loan-applications/{application.pk}"
    assert api_for(approver).post(f"{url}/approve/").status_code == 409
    assert api_for(rm).post(f"{url}/sign-contract/").status_code == 409
    assert api_for(rm).post(f"{url}/disburse/", {"disbursed_on": "2025-01-01"}).status_code == 409
    assert api_for(approver).post(f"{url}/submit/").status_code == 403
    application.refresh_from_db()
    assert application.status == "draft"


def test_bad_input_is_400_with_field_messages(api_for, rm, customer):
    client = api_for(rm)
    response = client.post(
        "/api/v1/loan-applications/",
        {**BODY, "customer": customer.pk, "term_months": 48, "repayment_method": "weekly"},
    )
    assert response.status_code == 400
    assert response.json() == {"repayment_method": ['"weekly" is not a valid choice.']}
    response = client.post(
        "/api/v1/loan-applications/", {**BODY, "customer": customer.pk, "term_months": 48}
    )
    assert response.status_code == 400
    assert response.json() == {"term_months": ["The term must be between 1 and 36 months for WCL."]}
    assert not LoanApplication.objects.exists()


def test_patch_only_while_editable(api_for, rm, customer):
    application = submitted(rm, customer)
    response = api_for(rm).patch(
        f"/api/v1/loan-applications/{application.pk}/", {"amount": "900000.00"}
    )
    assert response.status_code == 409
    draft = make_application(rm, customer)
    response = api_for(rm).patch(f"/api/v1/loan-applications/{draft.pk}/", {"amount": "900000.00"})
    assert response.status_code == 200
    assert response.json()["amount"] == "900000.00"


def test_out_of_scope_is_404_and_other_rm_cannot_create(api_for, rm, rm_other_team, customer):
    application = make_application(rm, customer)
    other = api_for(rm_other_team)
    assert other.get(f"/api/v1/loan-applications/{application.pk}/").status_code == 404
    assert other.post(f"/api/v1/loan-applications/{application.pk}/submit/").status_code == 404
    response = other.post("/api/v1/loan-applications/", {**BODY, "customer": customer.pk})
    assert response.status_code == 400
    assert response.json() == {"customer": ["Choose one of your customers."]}


def test_lead_sees_team_applications_but_cannot_act(api_for, rm, lead, customer):
    application = make_application(rm, customer)
    client = api_for(lead)
    assert client.get("/api/v1/loan-applications/").json()["count"] == 1
    assert client.post(f"/api/v1/loan-applications/{application.pk}/submit/").status_code == 403


def test_unauthenticated_is_401(client):
    assert client.get("/api/v1/loan-applications/").status_code == 401


def test_repayment_and_overpayment(api_for, rm, approver, customer):
    loan = disbursed_loan(
        rm,
        approver,
        customer,
        amount=D("120000.00"),
        term_months=12,
        annual_rate=D("6.0000"),
        repayment_method="equal_principal",
    )
    client = api_for(rm)
    response = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/", {"paid_on": "2025-02-15", "amount": "10600.00"}
    )
    assert response.status_code == 201
    assert response.json()["amount"] == "10600.00"
    too_much = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/", {"paid_on": "2025-02-16", "amount": "999999.00"}
    )
    assert too_much.status_code == 400
    assert list(too_much.json()) == ["amount"]
    assert Repayment.objects.count() == 1
    reversed_ = client.post(
        f"/api/v1/loans/{loan.pk}/repayments/{response.json()['id']}/reverse/",
        {"reason": "posted twice"},
    )
    assert reversed_.status_code == 200
    assert reversed_.json()["reversal_reason"] == "posted twice"
    assert (
        api_for(approver)
        .post(f"/api/v1/loans/{loan.pk}/repayments/", {"paid_on": "2025-02-15", "amount": "1.00"})
        .status_code
        == 403
    )


def test_approver_queue_filter(api_for, rm, approver, approver2, customer):
    waiting = submitted(rm, customer)
    half = submitted(rm, customer, amount=D("8000000.00"))
    make_application(rm, customer)
    from loans import services

    services.application_approve(application=half, user=approver)

    mine = api_for(approver).get("/api/v1/loan-applications/?queue=mine").json()
    theirs = api_for(approver2).get("/api/v1/loan-applications/?queue=mine").json()
    assert [row["id"] for row in mine["results"]] == [waiting.pk]
    assert sorted(row["id"] for row in theirs["results"]) == sorted([waiting.pk, half.pk])


def test_list_query_counts_do_not_grow(api_for, rm, approver, customer, django_assert_num_queries):
    for _ in range(3):
        disbursed_loan(rm, approver, customer)
    client = api_for(rm)
    client.get("/api/v1/loans/")  # warm the content types and role caches
    # Each read adds its one access-log entry (DOMAIN.md §8), whatever the row count.
    with django_assert_num_queries(5):
        client.get("/api/v1/loan-applications/")
    with django_assert_num_queries(3):
        client.get("/api/v1/loans/")
    for _ in range(3):
        disbursed_loan(rm, approver, CustomerFactory(relationship_manager=rm))
    with django_assert_num_queries(5):
        client.get("/api/v1/loan-applications/")
    with django_assert_num_queries(3):
        client.get("/api/v1/loans/")


def test_classification_proposal_through_the_api(api_for, rm, approver, risk_officer, customer):
    loan = disbursed_loan(rm, approver, customer, disbursed_on=date(2025, 1, 15))
    proposed = api_for(rm).post(
        f"/api/v1/loans/{loan.pk}/propose-classification/",
        {"classification": "substandard", "reason": "Main buyer bankrupt"},
    )
    assert proposed.status_code == 201
    pid = proposed.json()["id"]
    assert (
        api_for(approver).post(f"/api/v1/classification-proposals/{pid}/approve/").status_code
        == 403
    )
    assert (
        api_for(risk_officer).post(f"/api/v1/classification-proposals/{pid}/approve/").status_code
        == 200
    )
    assert api_for(rm).get(f"/api/v1/loans/{loan.pk}/").json()["classification"] == "substandard"
    history = api_for(rm).get(f"/api/v1/loans/{loan.pk}/classification-history/").json()
    assert [(h["from_classification"], h["to_classification"], h["source"]) for h in history] == [
        ("normal", "substandard", "manual")
    ]


def test_products_endpoint(api_for, rm):
    rows = api_for(rm).get("/api/v1/loan-products/").json()["results"]
    assert [(r["code"], r["min_term_months"], r["max_term_months"]) for r in rows] == [
        ("FAL", 12, 180),
        ("PJL", 12, 360),
        ("WCL", 1, 36),
    ]
    assert {r["min_amount"] for r in rows} == {"10000.00"}
    assert {r["max_rate"] for r in rows} == {"24.0000"}


@pytest.mark.parametrize("path", ["/api/v1/schema/"])
def test_schema_builds(api_for, rm, path):
    assert api_for(rm).get(path).status_code == 200
