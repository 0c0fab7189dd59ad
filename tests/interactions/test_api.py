"""The interactions API of API.md: fields, roles, scope, errors and query counts."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from interactions.models import Interaction, ServiceRequest, SurveyResponse, Task, VisitPlan
from interactions.services import survey_response_create, task_create
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    make_interaction,
    make_service_request,
)

NOW = datetime(2026, 6, 30, 2, 0, tzinfo=UTC)


@pytest.fixture
def portfolio(rm, rm_same_team, rm_other_team):
    """One customer per RM: rm and rm_same_team in Team A, rm_other_team in Team B."""
    return {
        "mine": CustomerFactory(relationship_manager=rm, name="Mine Co"),
        "team": CustomerFactory(relationship_manager=rm_same_team, name="Team Co"),
        "other": CustomerFactory(relationship_manager=rm_other_team, name="Other Co"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/interactions/",
        "/api/v1/tasks/",
        "/api/v1/service-requests/",
        "/api/v1/surveys/responses/",
        "/api/v1/surveys/summary/",
    ],
)
def test_no_credentials_is_401(path):
    assert APIClient().get(path).status_code == 401


@pytest.mark.django_db
def test_rm_logs_a_contact_and_gets_the_follow_up_task(api_for, rm, portfolio, clock):
    clock.set(NOW)
    cfo = ContactFactory(customer=portfolio["mine"], name="Zhou Ming", role="finance")
    client = api_for(rm)

    response = client.post(
        "/api/v1/interactions/",
        {
            "customer": portfolio["mine"].pk,
            "channel": "onsite_visit",
            "purpose": "regular_visit",
            "occurred_at": "2026-06-30T09:30:00+08:00",
            "summary": "Orders up 20 %; wants a larger credit line.",
            "contacts": [cfo.pk],
            "contact_names": ["Ms Wu (auditor)"],
            "next_action": "Prepare limit increase",
            "next_action_due": "2026-07-03",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    task = Task.objects.get(pk=body["follow_up_task"])
    assert (task.owner, task.title, task.due_date) == (
        rm,
        "Prepare limit increase",
        date(2026, 7, 3),
    )
    assert body["contacts"] == [cfo.pk]
    assert body["contact_details"] == [{"id": cfo.pk, "name": "Zhou Ming", "role": "finance"}]
    assert body["contact_names"] == ["Ms Wu (auditor)"]
    assert list(Interaction.objects.get(pk=body["id"]).contacts.all()) == [cfo]
    assert body["occurred_at"] == "2026-06-30T09:30:00+08:00"
    assert body["too_frequent"] is False
    tasks = client.get("/api/v1/tasks/").json()
    assert [t["title"] for t in tasks["results"]] == ["Prepare limit increase"]


@pytest.mark.django_db
def test_contact_for_someone_elses_customer_is_400_without_leaking(api_for, rm, portfolio):
    response = api_for(rm).post(
        "/api/v1/interactions/",
        {
            "customer": portfolio["other"].pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": "2026-06-30T09:30:00+08:00",
            "summary": "x",
        },
    )

    assert response.status_code == 400
    assert list(response.json()) == ["customer"]
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_next_action_without_due_date_is_400_on_that_field(api_for, rm, portfolio):
    response = api_for(rm).post(
        "/api/v1/interactions/",
        {
            "customer": portfolio["mine"].pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": "2026-06-30T09:30:00+08:00",
            "summary": "x",
            "next_action": "Call back",
        },
    )

    assert response.status_code == 400
    assert response.json() == {"next_action_due": ["A next action needs a due date."]}
    assert Interaction.objects.count() == Task.objects.count() == 0


@pytest.mark.django_db
def test_team_lead_may_read_but_not_log_contacts(api_for, lead, portfolio):
    client = api_for(lead)

    response = client.post(
        "/api/v1/interactions/",
        {
            "customer": portfolio["mine"].pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": "2026-06-30T09:30:00+08:00",
            "summary": "x",
        },
    )

    assert response.status_code == 403
    assert client.get("/api/v1/interactions/").status_code == 200
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_interaction_list_scope_for_every_role(
    api_for, rm, lead, approver, risk_officer, admin_user, no_role_user, portfolio
):
    for customer in portfolio.values():
        make_interaction(customer)

    def names(user):
        response = api_for(user).get("/api/v1/interactions/")
        if response.status_code != 200:
            return response.status_code
        return sorted(r["customer"] for r in response.json()["results"])

    ids = {k: c.pk for k, c in portfolio.items()}
    assert names(rm) == [ids["mine"]]
    assert names(lead) == sorted([ids["mine"], ids["team"]])
    everything = sorted(ids.values())
    assert names(approver) == names(risk_officer) == names(admin_user) == everything
    assert names(no_role_user) == 403


@pytest.mark.django_db
def test_out_of_scope_interaction_is_404(api_for, rm, portfolio):
    other = make_interaction(portfolio["other"])

    assert api_for(rm).get(f"/api/v1/interactions/{other.pk}/").status_code == 404


@pytest.mark.django_db
def test_patch_corrects_the_text_only(api_for, rm, portfolio):
    interaction = make_interaction(portfolio["mine"])
    client = api_for(rm)

    ok = client.patch(f"/api/v1/interactions/{interaction.pk}/", {"findings": "New plant"})
    assert ok.status_code == 200
    assert ok.json()["findings"] == "New plant"


@pytest.mark.django_db
def test_interaction_list_query_count_does_not_grow_with_rows(
    api_for, rm, portfolio, django_assert_num_queries
):
    def fresh_client():
        # A fresh user object each time, so role and permission caches start empty.
        return api_for(type(rm).objects.get(pk=rm.pk))

    contacts = ContactFactory.create_batch(2, customer=portfolio["mine"])
    make_interaction(portfolio["mine"], contacts=contacts[:1])
    client = fresh_client()
    # roles and permissions, count, page, staff prefetch, contacts prefetch, the access-log
    # entry
    with django_assert_num_queries(6):
        client.get("/api/v1/interactions/")
    for _ in range(5):
        make_interaction(portfolio["mine"], contacts=contacts)
    client = fresh_client()
    with django_assert_num_queries(6):
        body = client.get("/api/v1/interactions/").json()
    assert [len(row["contact_details"]) for row in body["results"]] == [2, 2, 2, 2, 2, 1]


@pytest.mark.django_db
def test_tasks_are_the_callers_and_a_lead_asks_for_the_team(
    api_for, rm, rm_same_team, rm_other_team, lead, approver, admin_user
):
    for owner in (rm, rm_same_team, rm_other_team, lead):
        task_create(owner=owner, title=f"for {owner.username}", due_date=date(2026, 7, 1))

    def titles(user, query=""):
        results = api_for(user).get(f"/api/v1/tasks/{query}").json()["results"]
        return sorted(t["title"] for t in results)

    assert titles(rm) == ["for rm_a1"]
    assert titles(rm, "?scope=team") == ["for rm_a1"]
    assert titles(lead) == ["for lead_a"]
    assert titles(lead, "?scope=team") == ["for lead_a", "for rm_a1", "for rm_a2"]
    assert titles(approver) == titles(approver, "?scope=team") == []
    assert titles(admin_user) == []
    assert len(titles(admin_user, "?scope=team")) == 4


@pytest.mark.django_db
def test_complete_task_api_owner_yes_colleague_404(api_for, rm, rm_same_team):
    task = task_create(owner=rm, title="Call", due_date=date(2026, 7, 1))

    denied = api_for(rm_same_team).post(f"/api/v1/tasks/{task.pk}/complete/")
    task.refresh_from_db()
    assert (denied.status_code, task.status) == (404, "open")

    done = api_for(rm).post(f"/api/v1/tasks/{task.pk}/complete/")
    assert done.status_code == 200
    assert done.json()["status"] == "done"


@pytest.mark.django_db
def test_task_list_query_count(api_for, rm, django_assert_num_queries):
    client = api_for(rm)
    customer = CustomerFactory(relationship_manager=rm)
    for n in range(6):
        task_create(owner=rm, customer=customer, title=f"t{n}", due_date=date(2026, 7, 1))
    with django_assert_num_queries(4):  # groups, count, page, the access-log entry
        client.get("/api/v1/tasks/")


@pytest.mark.django_db
def test_service_request_created_after_the_call_with_received_at(api_for, rm, portfolio, clock):
    clock.set(NOW)
    response = api_for(rm).post(
        "/api/v1/service-requests/",
        {
            "customer": portfolio["mine"].pk,
            "kind": "complaint",
            "urgency": "medium",
            "summary": "Fee charged twice.",
            "received_at": "2026-06-29T16:00:00+08:00",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "received"
    assert body["owner"] == rm.pk
    assert body["first_handling_due_at"] == "2026-06-30T16:00:00+08:00"
    assert body["reply_due_at"] == "2026-07-01T16:00:00+08:00"
    assert body["sla_breached"] is False


@pytest.mark.django_db
def test_service_request_bad_kind_is_400(api_for, rm, portfolio):
    response = api_for(rm).post(
        "/api/v1/service-requests/",
        {"customer": portfolio["mine"].pk, "kind": "rant", "summary": "x"},
    )

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]
    assert ServiceRequest.objects.count() == 0


@pytest.mark.django_db
def test_advance_action_and_illegal_move_is_409(api_for, rm, portfolio):
    request = make_service_request(portfolio["mine"])
    client = api_for(rm)

    missing = client.post(
        f"/api/v1/service-requests/{request.pk}/advance/", {"to_status": "assigned"}
    )
    assert missing.status_code == 400
    assert missing.json() == {"action_plan": ["Assigning needs an action plan."]}

    ok = client.post(f"/api/v1/service-requests/{request.pk}/advance/", {"to_status": "analysed"})
    assert ok.status_code == 200
    assert ok.json()["first_handled_at"] is not None

    back = client.post(
        f"/api/v1/service-requests/{request.pk}/advance/", {"to_status": "classified"}
    )
    assert back.status_code == 409
    events = client.get(f"/api/v1/service-requests/{request.pk}/events/").json()
    assert [e["to_status"] for e in events] == ["received", "analysed"]


@pytest.mark.django_db
def test_risk_officer_reads_service_requests_but_cannot_change_them(
    api_for, risk_officer, portfolio
):
    request = make_service_request(portfolio["other"])
    client = api_for(risk_officer)

    assert client.get(f"/api/v1/service-requests/{request.pk}/").status_code == 200
    denied = client.post(
        f"/api/v1/service-requests/{request.pk}/advance/", {"to_status": "classified"}
    )
    assert denied.status_code == 403
    request.refresh_from_db()
    assert request.status == "received"


@pytest.mark.django_db
def test_service_request_scope_for_rm_and_lead(api_for, rm, lead, portfolio):
    for customer in portfolio.values():
        make_service_request(customer)

    def customers(user):
        results = api_for(user).get("/api/v1/service-requests/").json()["results"]
        return sorted(r["customer"] for r in results)

    assert customers(rm) == [portfolio["mine"].pk]
    assert customers(lead) == sorted([portfolio["mine"].pk, portfolio["team"].pk])


@pytest.mark.django_db
def test_service_request_list_query_count(api_for, rm, portfolio, django_assert_num_queries):
    client = api_for(rm)
    for _ in range(4):
        make_service_request(portfolio["mine"])
    with django_assert_num_queries(4):  # roles and permissions, count, page, access log
        client.get("/api/v1/service-requests/")


def _ten_known_answers(rm, customer):
    """Five 9–10, three 7–8 and two 0–6 (NPS 30); CSAT staff_attitude 5,4,3,..."""
    for n, nps in enumerate([9, 10, 9, 10, 10, 7, 8, 7, 0, 6]):
        survey_response_create(
            user=rm,
            customer=customer,
            responded_on=date(2026, 6, 1) + timedelta(days=n),
            nps=nps,
            csat={"staff_attitude": [5, 4, 3, 2, 5, 4, 4, 5, 1, 2][n], "interest_rate": 3},
        )


@pytest.mark.django_db
def test_survey_summary_on_known_sample(api_for, rm, portfolio):
    _ten_known_answers(rm, portfolio["mine"])
    invalid = survey_response_create(
        user=rm, customer=portfolio["mine"], responded_on=date(2026, 6, 20), nps=0, csat={}
    )
    SurveyResponse.objects.filter(pk=invalid.pk).update(is_valid=False, invalid_reason="Test")

    body = api_for(rm).get("/api/v1/surveys/summary/").json()

    # staff_attitude: 35 / 10 = 3.5; interest_rate 3.0; 4–5 share: 6 of 20 scores = 30 %.
    assert body == {
        "responses": 10,
        "nps": 30.0,
        "csat": {"interest_rate": 3.0, "staff_attitude": 3.5},
        "csat_overall": 3.3,
        "csat_top2_share": 30.0,
    }


@pytest.mark.django_db
def test_survey_summary_is_scoped_and_filtered(api_for, rm, rm_other_team, lead, portfolio):
    _ten_known_answers(rm, portfolio["mine"])
    survey_response_create(
        user=rm_other_team,
        customer=portfolio["other"],
        responded_on=date(2026, 6, 1),
        nps=0,
        csat={},
    )

    assert api_for(rm_other_team).get("/api/v1/surveys/summary/").json()["nps"] == -100.0
    lead_view = api_for(lead).get("/api/v1/surveys/summary/").json()
    assert (lead_view["responses"], lead_view["nps"]) == (10, 30.0)
    june_1_to_3 = (
        api_for(rm).get("/api/v1/surveys/summary/?date_from=2026-06-01&date_to=2026-06-03").json()
    )
    assert (june_1_to_3["responses"], june_1_to_3["nps"]) == (3, 100.0)
    by_rm = (
        api_for(lead)
        .get(f"/api/v1/surveys/summary/?relationship_manager={rm_other_team.pk}")
        .json()
    )
    assert by_rm["responses"] == 0
    assert by_rm["nps"] is None


@pytest.mark.django_db
def test_survey_response_create_and_read_back(api_for, rm, portfolio):
    client = api_for(rm)

    created = client.post(
        "/api/v1/surveys/responses/",
        {
            "customer": portfolio["mine"].pk,
            "responded_on": "2026-06-01",
            "csat": {"approval_speed": 2, "service_result": 5},
            "nps": 8,
        },
    )

    assert created.status_code == 201, created.json()
    read = client.get(f"/api/v1/surveys/responses/{created.json()['id']}/").json()
    assert read["csat"] == {"approval_speed": 2, "service_result": 5}
    assert (read["nps"], read["is_valid"]) == (8, True)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"csat": {"approval_speed": 6}}, "csat"),
        ({"csat": {"speed": 3}}, "csat"),
        ({"nps": 11}, "nps"),
        ({"responded_on": "2026-13-01"}, "responded_on"),
    ],
)
def test_survey_response_bad_input_is_400(api_for, rm, portfolio, payload, field):
    body = {"customer": portfolio["mine"].pk, "responded_on": "2026-06-01", **payload}

    response = api_for(rm).post("/api/v1/surveys/responses/", body)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert SurveyResponse.objects.count() == 0


@pytest.mark.django_db
def test_survey_import_is_all_or_nothing(api_for, rm, portfolio):
    client = api_for(rm)
    mine, other = portfolio["mine"].pk, portfolio["other"].pk
    bad = (
        "customer,responded_on,nps,staff_attitude\n"
        f"{mine},2026-06-01,9,5\n"
        f"{other},2026-06-01,9,5\n"
        f"{mine},2026-06-01,9,7\n"
    )

    refused = client.post(
        "/api/v1/surveys/responses/import/",
        {"file": SimpleUploadedFile("s.csv", bad.encode())},
        format="multipart",
    )

    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [
            {"row": 3, "field": "customer", "message": "Unknown customer."},
            {"row": 4, "field": "csat", "message": "staff_attitude must be scored 1 to 5."},
        ]
    }
    assert SurveyResponse.objects.count() == 0

    good = f"customer,responded_on,nps,staff_attitude\n{mine},2026-06-01,9,5\n"
    accepted = client.post(
        "/api/v1/surveys/responses/import/",
        {"file": SimpleUploadedFile("s.csv", good.encode())},
        format="multipart",
    )
    assert (accepted.status_code, accepted.json()) == (201, {"created": 1})
    assert SurveyResponse.objects.get().channel == "import"


@pytest.mark.django_db
def test_schema_describes_the_interactions_endpoints(api_for, rm):
    schema = api_for(rm).get("/api/v1/schema/?format=json").json()

    for path in (
        "/api/v1/interactions/",
        "/api/v1/tasks/{id}/complete/",
        "/api/v1/service-requests/{id}/advance/",
        "/api/v1/surveys/responses/",
        "/api/v1/surveys/summary/",
    ):
        assert path in schema["paths"]


@pytest.mark.django_db
def test_patch_reclassifies_and_becoming_urgent_shortens_the_clock_and_notifies(
    api_for, rm, lead, portfolio, clock
):
    clock.set(NOW)
    request = make_service_request(portfolio["mine"], received_at=NOW)

    response = api_for(rm).patch(
        f"/api/v1/service-requests/{request.pk}/",
        {"urgency": "high", "business_line": "Corporate banking", "kind": "inquiry"},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["urgency"], body["business_line"], body["kind"]) == (
        "high",
        "Corporate banking",
        "complaint",  # kind is not part of the correction and stays as received
    )
    assert body["first_handling_due_at"] == "2026-06-30T12:00:00+08:00"
    assert Task.objects.filter(source_key__contains=":urgent:").count() == 2


@pytest.mark.django_db
def test_patch_with_a_bad_level_is_400_and_changes_nothing(api_for, rm, portfolio):
    request = make_service_request(portfolio["mine"])

    response = api_for(rm).patch(f"/api/v1/service-requests/{request.pk}/", {"urgency": "now"})

    assert response.status_code == 400
    assert list(response.json()) == ["urgency"]
    assert ServiceRequest.objects.get(pk=request.pk).urgency == "medium"


@pytest.mark.django_db
def test_improvement_action_is_verified_with_a_follow_up(api_for, rm, rm_same_team, lead):
    from interactions.services import improvement_action_create

    action = improvement_action_create(
        user=lead, title="Faster approvals", finding="x", owner=rm, due_date=date(2026, 9, 30)
    )
    path = f"/api/v1/improvement-actions/{action.pk}/advance/"

    assert api_for(rm_same_team).post(path, {"status": "implementing"}).status_code == 404
    assert api_for(rm).post(path, {"status": "verified"}).status_code == 409
    assert api_for(rm).post(path, {"status": "implementing"}).status_code == 200
    no_note = api_for(rm).post(path, {"status": "verified"})
    assert (no_note.status_code, list(no_note.json())) == (400, ["verification"])
    done = api_for(lead).post(
        path, {"status": "verified", "verification": "Revisit: 4.1", "score_after": "4.10"}
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["score_after"]) == ("verified", "4.10")
    assert Task.objects.get(source_key=f"improvement:{action.pk}").status == "done"


@pytest.mark.django_db
def test_survey_coverage_counts_active_customers_with_a_valid_response(rm):
    from customers.models import Customer
    from interactions.selectors import survey_coverage

    answered = CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    CustomerFactory(relationship_manager=rm, lifecycle_stage="established")
    CustomerFactory(relationship_manager=rm, lifecycle_stage="new")
    CustomerFactory(relationship_manager=rm, lifecycle_stage="churned")
    for day in (1, 2):
        survey_response_create(
            user=rm, customer=answered, responded_on=date(2026, 6, day), nps=9, csat={}
        )

    coverage = survey_coverage(SurveyResponse.objects.all(), Customer.objects.all())

    assert coverage == {"customers": 3, "covered": 1, "share": Decimal("33.3")}


def _contact_payload(customer, contacts):
    return {
        "customer": customer.pk,
        "channel": "phone",
        "purpose": "care",
        "occurred_at": "2026-06-30T09:30:00+08:00",
        "summary": "Called the finance team.",
        "contacts": contacts,
        "next_action": "Send the statement",
        "next_action_due": "2026-07-01",
    }


@pytest.mark.django_db
def test_another_customers_contact_is_a_400_on_contacts_and_nothing_is_written(
    api_for, rm, portfolio, clock
):
    clock.set(NOW)
    own = ContactFactory(customer=portfolio["mine"])
    my_other_customer = CustomerFactory(relationship_manager=rm)
    elsewhere = ContactFactory(customer=my_other_customer)

    response = api_for(rm).post(
        "/api/v1/interactions/",
        _contact_payload(portfolio["mine"], [own.pk, elsewhere.pk]),
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"contacts": ["Choose contacts of this customer only."]}
    assert Interaction.objects.count() == 0
    assert Task.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("contact", ["out_of_scope", "missing", "not_a_number"])
def test_a_contact_the_caller_cannot_see_is_a_400_without_a_leak(
    api_for, rm, portfolio, clock, contact
):
    clock.set(NOW)
    hidden = ContactFactory(customer=portfolio["other"])
    value = {"out_of_scope": hidden.pk, "missing": hidden.pk + 1000, "not_a_number": "x"}[contact]

    response = api_for(rm).post(
        "/api/v1/interactions/", _contact_payload(portfolio["mine"], [value]), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["contacts"]
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_hidden_and_missing_contacts_get_the_same_answer(api_for, rm, portfolio, clock):
    clock.set(NOW)
    hidden = ContactFactory(customer=portfolio["other"])
    client = api_for(rm)

    answers = [
        client.post(
            "/api/v1/interactions/", _contact_payload(portfolio["mine"], [pk]), format="json"
        ).json()["contacts"][0]
        for pk in (hidden.pk, 999999)
    ]

    assert answers[0].replace(str(hidden.pk), "N") == answers[1].replace("999999", "N")


@pytest.mark.django_db
def test_visit_plan_api_takes_the_customers_contacts_and_refuses_others(api_for, rm, portfolio):
    own = ContactFactory(customer=portfolio["mine"], name="Zhou Ming", role="finance")
    elsewhere = ContactFactory(customer=CustomerFactory(relationship_manager=rm))
    client = api_for(rm)
    payload = {
        "customer": portfolio["mine"].pk,
        "planned_for": "2026-07-10",
        "agenda": "Annual review",
        "contact_names": ["Mr Wu (supplier)"],
    }

    created = client.post("/api/v1/visit-plans/", {**payload, "contacts": [own.pk]}, format="json")
    refused = client.post(
        "/api/v1/visit-plans/", {**payload, "contacts": [elsewhere.pk]}, format="json"
    )

    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["contacts"], body["contact_names"]) == ([own.pk], ["Mr Wu (supplier)"])
    assert body["contact_details"] == [{"id": own.pk, "name": "Zhou Ming", "role": "finance"}]
    assert refused.status_code == 400
    assert refused.json() == {"contacts": ["Choose contacts of this customer only."]}
    assert VisitPlan.objects.count() == 1


def test_survey_import_of_a_file_that_is_not_utf8_csv_is_a_400(api_for, rm):
    # given: a PNG where a CSV belongs (found by the API fuzzer: it was a 500)
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\xff\xfe"
    upload = SimpleUploadedFile("responses.csv", png, content_type="text/csv")
    # when
    response = api_for(rm).post(
        "/api/v1/surveys/responses/import/", {"file": upload}, format="multipart"
    )
    # then: the import's error shape, and nothing saved
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "row": 0,
                "field": "file",
                "message": "The file cannot be read: upload a UTF-8 CSV file.",
            }
        ]
    }
    assert SurveyResponse.objects.count() == 0
