"""The materials checklist (ticking, required at submission) and returns in the approval record."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from crm.exceptions import ActionForbidden, TransitionNotAllowed
from loans import services
from loans.models import ApprovalRecord, LoanApplicationEvent, LoanProduct
from tests.factories import CustomerFactory
from tests.loans.conftest import make_application, submitted

D = Decimal
BASE = ["business_licence", "articles", "financial_statements", "bank_statements"]


# --- required materials -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "guarantee", "required"),
    [
        ("WCL", "credit", BASE),
        ("WCL", "collateral", [*BASE, "collateral_documents"]),
        ("WCL", "guarantee", [*BASE, "guarantee_documents"]),
        ("FAL", "credit", [*BASE, "board_resolution", "use_of_funds"]),
        ("PJL", "collateral", [*BASE, "board_resolution", "use_of_funds", "collateral_documents"]),
    ],
)
def test_required_materials_by_product_and_guarantee_method(db, code, guarantee, required):
    product = LoanProduct.objects.get(code=code)
    assert product.materials_required_for(guarantee) == required


def test_submission_missing_required_materials_is_refused_and_names_them(rm, customer):
    application = make_application(rm, customer, materials=["business_licence", "articles"])

    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, user=rm)

    assert refused.value.message_dict == {
        "materials": [
            "Tick the missing required materials first: Financial statements, 3 years "
            "(近三年财务报表), Bank statements (银行流水)."
        ]
    }
    application.refresh_from_db()
    assert (application.status, application.round) == ("draft", 0)
    assert not LoanApplicationEvent.objects.filter(action="submit").exists()


def test_collateral_method_needs_the_collateral_documents(rm, customer):
    application = make_application(rm, customer, guarantee_method="collateral", materials=BASE)
    services.collateral_add(
        application=application,
        user=rm,
        kind="equipment",
        owner_name="Owner",
        value=D("2000000.00"),
        valuation_date="2025-01-02",
        security_interest="mortgage",
    )
    with pytest.raises(ValidationError) as refused:
        services.application_submit(application=application, user=rm)
    assert refused.value.message_dict["materials"] == [
        "Tick the missing required materials first: Collateral documents (抵押物权属证明)."
    ]

    services.application_materials_update(
        application=application, user=rm, materials=[*BASE, "collateral_documents"]
    )
    assert services.application_submit(application=application, user=rm).status == "submitted"


def test_api_submit_without_materials_is_400_with_the_field(api_for, rm, customer):
    application = make_application(rm, customer, materials=[])
    response = api_for(rm).post(f"/api/v1/loan-applications/{application.pk}/submit/")
    assert response.status_code == 400
    assert list(response.json()) == ["materials"]


# --- ticking materials ------------------------------------------------------------------------


def test_rm_ticks_materials_in_checklist_order_with_an_event(rm, customer):
    application = make_application(rm, customer, materials=["articles"])

    services.application_materials_update(
        application=application, user=rm, materials=["tax_records", "business_licence"]
    )

    application.refresh_from_db()
    assert application.materials == ["business_licence", "tax_records"]
    event = LoanApplicationEvent.objects.get(action="materials")
    assert (event.actor, event.from_status, event.to_status) == (rm, "draft", "draft")
    assert event.comment == (
        "received: Business licence (营业执照), Tax records (纳税记录); "
        "no longer held: Articles of association (公司章程)"
    )


def test_unchanged_checklist_writes_no_event(rm, customer):
    application = make_application(rm, customer, materials=["articles"])
    services.application_materials_update(application=application, user=rm, materials=["articles"])
    assert not LoanApplicationEvent.objects.filter(action="materials").exists()


def test_unknown_material_is_a_field_error(rm, customer):
    application = make_application(rm, customer)
    with pytest.raises(ValidationError) as refused:
        services.application_materials_update(
            application=application, user=rm, materials=["articles", "horoscope"]
        )
    assert refused.value.message_dict == {"materials": ["Unknown materials: horoscope."]}


def test_materials_are_frozen_once_submitted(rm, customer):
    application = submitted(rm, customer)
    with pytest.raises(TransitionNotAllowed):
        services.application_materials_update(application=application, user=rm, materials=[])


def test_only_the_customers_rm_ticks_materials(rm, rm_other_team, approver, team_b, customer):
    application = make_application(rm, customer)
    for outsider in (approver, rm_other_team):
        with pytest.raises(ActionForbidden):
            services.application_materials_update(
                application=application, user=outsider, materials=[]
            )
    application.refresh_from_db()
    assert application.materials == BASE


def test_materials_form_on_the_page_saves_the_ticks(web_for, rm, customer):
    application = make_application(rm, customer, materials=[])
    client = web_for(rm)
    page = client.get(f"/loans/applications/{application.pk}/")
    assert b'data-testid="materials-form"' in page.content
    assert b"4 required missing" in page.content

    response = client.post(
        f"/loans/applications/{application.pk}/materials/", {"materials": BASE}, follow=True
    )

    application.refresh_from_db()
    assert application.materials == BASE
    assert [str(m) for m in response.context["messages"]] == ["Materials checklist saved."]


def test_approver_sees_the_checklist_read_only_and_cannot_post(web_for, rm, approver, customer):
    application = submitted(rm, customer)
    client = web_for(approver)
    page = client.get(f"/loans/applications/{application.pk}/")
    assert b'data-testid="materials-form"' not in page.content
    assert b'data-testid="materials"' in page.content

    response = client.post(
        f"/loans/applications/{application.pk}/materials/", {"materials": []}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Only relationship managers prepare, sign and disburse applications."
    ]
    application.refresh_from_db()
    assert application.materials == BASE


def test_page_submit_with_missing_materials_shows_the_message(web_for, rm, customer):
    application = make_application(rm, customer, materials=BASE[:3])
    response = web_for(rm).post(
        f"/loans/applications/{application.pk}/actions/submit/", {"comment": ""}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "Tick the missing required materials first: Bank statements (银行流水)."
    ]


# --- returns in the approval record -----------------------------------------------------------


def _records(application):
    return list(
        ApprovalRecord.objects.filter(application=application)
        .order_by("id")
        .values_list("round", "kind", "level", "approver__username", "decision", "reason")
    )


def test_approver_return_is_recorded_at_the_level_being_decided(rm, approver, customer):
    application = submitted(rm, customer)

    services.application_return(application=application, user=approver, comment="add tax records")

    assert _records(application) == [(1, "approval", 1, "approver_x", "return", "add tax records")]


def test_approver_who_approved_level_1_may_still_return_at_level_2(rm, approver, customer):
    application = submitted(rm, customer, amount=D("8000000.00"))
    services.application_approve(application=application, user=approver, comment="ok")

    services.application_return(application=application, user=approver, comment="rethink")

    assert _records(application) == [
        (1, "approval", 1, "approver_x", "approve", "ok"),
        (1, "approval", 2, "approver_x", "return", "rethink"),
    ]


def test_risk_officer_return_is_a_risk_decision_even_after_sign_off(rm, risk_officer, team_a):
    customer = CustomerFactory(relationship_manager=rm, risk_level="high", risk_score=40)
    application = submitted(rm, customer)
    services.application_risk_sign_off(application=application, user=risk_officer, comment="ok")

    services.application_return(application=application, user=risk_officer, comment="new info")

    assert _records(application) == [
        (1, "risk_sign_off", None, "risk_x", "sign_off", "ok"),
        (1, "risk_sign_off", None, "risk_x", "return", "new info"),
    ]


def test_after_a_return_the_next_round_starts_at_level_1(rm, approver, approver2, customer):
    application = submitted(rm, customer)
    services.application_return(application=application, user=approver, comment="fix")
    services.application_submit(application=application, user=rm, comment="fixed")

    application = services.application_approve(application=application, user=approver2)

    assert application.status == "approved"
    assert _records(application) == [
        (1, "approval", 1, "approver_x", "return", "fix"),
        (2, "approval", 1, "approver_y", "approve", ""),
    ]


def test_return_shows_in_the_api_approval_record(api_for, rm, approver, customer):
    application = submitted(rm, customer)
    services.application_return(application=application, user=approver, comment="fix")
    records = api_for(approver).get(f"/api/v1/loan-applications/{application.pk}/approvals/")
    assert [(r["level"], r["decision"], r["reason"]) for r in records.json()] == [
        (1, "return", "fix")
    ]


def test_events_are_paginated_like_every_api_list(api_for, rm, approver, customer):
    application = submitted(rm, customer)
    services.application_return(application=application, user=approver, comment="fix")

    body = api_for(rm).get(f"/api/v1/loan-applications/{application.pk}/events/?page_size=2")

    assert body.status_code == 200
    data = body.json()
    assert list(data) == ["count", "next", "previous", "results"]
    assert data["count"] == 3
    assert data["next"].endswith(
        f"/api/v1/loan-applications/{application.pk}/events/?page=2&page_size=2"
    )
    assert data["previous"] is None
    assert [(e["from"], e["to"]) for e in data["results"]] == [
        ("", "draft"),
        ("draft", "submitted"),
    ]
