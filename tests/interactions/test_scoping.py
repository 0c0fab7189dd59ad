"""Every interactions list for every role, and every role permission both ways."""

from datetime import date

import pytest

from interactions.models import ImprovementAction, SurveyResponse, VisitPlan
from interactions.services import (
    improvement_action_create,
    survey_response_create,
    visit_plan_create,
)
from tests.factories import CustomerFactory, make_interaction, make_service_request

LISTS = (
    "/api/v1/interactions/",
    "/api/v1/service-requests/",
    "/api/v1/surveys/responses/",
    "/api/v1/visit-plans/",
)

# Which customers' rows each role sees ("mine" = rm_a1's, "team" = rm_a2's in the same team,
# "other" = rm_b1's in Team B), or the status code when the role may not read the list.
EXPECTED = {
    "rm": {
        "/api/v1/interactions/": {"mine"},
        "/api/v1/service-requests/": {"mine"},
        "/api/v1/surveys/responses/": {"mine"},
        "/api/v1/visit-plans/": {"mine"},
    },
    "lead": {
        "/api/v1/interactions/": {"mine", "team"},
        "/api/v1/service-requests/": {"mine", "team"},
        "/api/v1/surveys/responses/": {"mine", "team"},
        "/api/v1/visit-plans/": {"mine", "team"},
    },
    "approver": {
        "/api/v1/interactions/": {"mine", "team", "other"},
        "/api/v1/service-requests/": 403,
        "/api/v1/surveys/responses/": 403,
        "/api/v1/visit-plans/": 403,
    },
    "risk_officer": {
        "/api/v1/interactions/": {"mine", "team", "other"},
        "/api/v1/service-requests/": {"mine", "team", "other"},
        "/api/v1/surveys/responses/": {"mine", "team", "other"},
        "/api/v1/visit-plans/": 403,
    },
    "admin_user": {path: {"mine", "team", "other"} for path in LISTS},
    "no_role_user": dict.fromkeys(LISTS, 403),
}


@pytest.fixture
def everything(rm, rm_same_team, rm_other_team):
    customers = {
        "mine": CustomerFactory(relationship_manager=rm),
        "team": CustomerFactory(relationship_manager=rm_same_team),
        "other": CustomerFactory(relationship_manager=rm_other_team),
    }
    for customer in customers.values():
        owner = customer.relationship_manager
        make_interaction(customer)
        make_service_request(customer)
        survey_response_create(
            user=owner, customer=customer, responded_on=date(2026, 6, 1), nps=9, csat={}
        )
        visit_plan_create(
            user=owner, customer=customer, planned_for=date(2026, 7, 1), agenda="Review"
        )
    return customers


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(EXPECTED))
def test_every_list_for_every_role(request, api_for, everything, role):
    user = request.getfixturevalue(role)
    names = {customer.pk: name for name, customer in everything.items()}

    for path, expected in EXPECTED[role].items():
        response = api_for(user).get(path)
        if isinstance(expected, int):
            assert response.status_code == expected, path
        else:
            seen = {names[row["customer"]] for row in response.json()["results"]}
            assert seen == expected, path


@pytest.mark.django_db
def test_lead_may_not_enter_surveys_or_plan_visits_but_an_rm_may(api_for, rm, lead, everything):
    mine = everything["mine"].pk
    survey = {"customer": mine, "responded_on": "2026-06-02", "nps": 7}
    visit = {"customer": mine, "planned_for": "2026-07-02", "agenda": "Plant tour"}

    assert api_for(lead).post("/api/v1/surveys/responses/", survey).status_code == 403
    assert api_for(lead).post("/api/v1/visit-plans/", visit).status_code == 403
    assert SurveyResponse.objects.count() == 3
    assert VisitPlan.objects.count() == 3
    assert api_for(rm).post("/api/v1/surveys/responses/", survey).status_code == 201
    assert api_for(rm).post("/api/v1/visit-plans/", visit).status_code == 201


@pytest.mark.django_db
def test_only_a_lead_changes_validity_of_a_team_response_rm_needs_own(
    api_for, rm, rm_same_team, lead, everything
):
    team_response = SurveyResponse.objects.get(customer=everything["team"])
    body = {"is_valid": False, "invalid_reason": "Answered by a supplier"}

    assert (
        api_for(rm).post(f"/api/v1/surveys/responses/{team_response.pk}/validity/", body)
    ).status_code == 404
    ok = api_for(lead).post(f"/api/v1/surveys/responses/{team_response.pk}/validity/", body)
    assert ok.status_code == 200
    assert ok.json()["is_valid"] is False


@pytest.mark.django_db
def test_improvement_actions_by_lead_yes_approver_no(api_for, lead, approver, rm, everything):
    body = {
        "title": "Faster approvals",
        "finding": "approval_speed mean 2.4",
        "owner": rm.pk,
        "due_date": "2026-09-30",
        "dimension": "approval_speed",
    }

    assert api_for(approver).post("/api/v1/improvement-actions/", body).status_code == 403
    assert ImprovementAction.objects.count() == 0
    created = api_for(lead).post("/api/v1/improvement-actions/", body)
    assert created.status_code == 201
    assert [
        a["title"] for a in api_for(rm).get("/api/v1/improvement-actions/").json()["results"]
    ] == ["Faster approvals"]
    improvement_action_create(
        user=lead, title="Other", finding="x", owner=lead, due_date=date(2026, 9, 30)
    )
    assert api_for(rm).get("/api/v1/improvement-actions/").json()["count"] == 1
