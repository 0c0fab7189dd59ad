"""`/api/v1/alerts/` and `/api/v1/customers/{id}/risk-scores/` (API.md "Risk")."""

from datetime import date

import pytest

from crm.models import User
from risk.models import Alert, AlertEvent, RiskScore, ScorecardVersion
from tests.factories import AlertFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio(rm, rm_same_team, rm_other_team):
    """One alert per relationship manager's customer."""
    return {
        "own": AlertFactory(customer=CustomerFactory(relationship_manager=rm)),
        "team": AlertFactory(customer=CustomerFactory(relationship_manager=rm_same_team)),
        "other": AlertFactory(customer=CustomerFactory(relationship_manager=rm_other_team)),
    }


def _ids(response):
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("role_user", "sees"),
    [
        ("rm", {"own"}),
        ("rm_same_team", {"team"}),
        ("lead", {"own", "team"}),
        ("approver", {"own", "team", "other"}),
        ("risk_officer", {"own", "team", "other"}),
        ("admin_user", {"own", "team", "other"}),
        ("no_role_user", set()),
    ],
)
def test_alert_list_is_scoped_for_every_role(api_for, portfolio, request, role_user, sees):
    client = api_for(request.getfixturevalue(role_user))

    response = client.get("/api/v1/alerts/")

    assert response.status_code == 200
    assert _ids(response) == {portfolio[key].pk for key in sees}


def test_an_alert_out_of_scope_is_404_for_read_and_actions(api_for, rm, portfolio):
    client = api_for(rm)
    other = portfolio["other"]

    assert client.get(f"/api/v1/alerts/{other.pk}/").status_code == 404
    assert client.post(f"/api/v1/alerts/{other.pk}/acknowledge/", {}).status_code == 404
    assert Alert.objects.get(pk=other.pk).status == "open"


def test_no_credentials_is_401(client):
    assert client.get("/api/v1/alerts/").status_code == 401


def test_alert_fields_are_those_of_the_contract(api_for, rm, portfolio):
    alert = portfolio["own"]

    body = api_for(rm).get(f"/api/v1/alerts/{alert.pk}/").json()

    assert {"id", "customer", "rule", "severity", "status", "message", "raised_on", "assignee",
            "details"} <= set(body)  # fmt: skip
    assert body["customer"] == alert.customer_id
    assert (body["rule"], body["severity"], body["status"]) == ("debt_ratio_high", "orange", "open")
    assert body["raised_on"] == "2026-03-02"
    assert body["details"] == {"debt_to_asset": "0.8500", "threshold": "0.80"}
    assert body["sla"] == "on_time"


def test_filters_status_severity_rule_customer(api_for, risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm)
    red = AlertFactory(customer=customer, rule="repayment_overdue", severity="red")
    AlertFactory(customer=customer, rule="revenue_drop", severity="yellow", status="acknowledged")
    AlertFactory(rule="revenue_drop", severity="yellow")
    client = api_for(risk_officer)

    assert _ids(client.get("/api/v1/alerts/?severity=red")) == {red.pk}
    assert _ids(client.get("/api/v1/alerts/?rule=repayment_overdue")) == {red.pk}
    assert len(_ids(client.get(f"/api/v1/alerts/?customer={customer.pk}"))) == 2
    assert len(_ids(client.get("/api/v1/alerts/?status=acknowledged"))) == 1
    bad = client.get("/api/v1/alerts/?severity=purple")
    assert bad.status_code == 400
    assert "severity" in bad.json()


def test_list_queries_do_not_grow_with_rows(api_for, risk_officer, django_assert_num_queries):
    def fresh_client():
        # A user loaded afresh, as on a real request: its roles are read once.
        return api_for(User.objects.get(pk=risk_officer.pk))

    AlertFactory.create_batch(3)
    client = fresh_client()
    with django_assert_num_queries(4):  # roles, count, page, the access-log entry
        client.get("/api/v1/alerts/")
    AlertFactory.create_batch(20)
    client = fresh_client()
    with django_assert_num_queries(4):
        client.get("/api/v1/alerts/")


def test_rm_acknowledges_their_customers_alert(api_for, rm, portfolio):
    alert = portfolio["own"]

    response = api_for(rm).post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "On it"})

    assert response.status_code == 200
    assert response.json()["status"] == "acknowledged"
    assert response.json()["sla"] == "met"
    assert list(AlertEvent.objects.filter(alert=alert).values_list("action", "note")) == [
        ("acknowledged", "On it")
    ]


def test_acknowledging_an_acknowledged_alert_is_409(api_for, rm, portfolio):
    client = api_for(rm)
    alert = portfolio["own"]
    client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {})

    assert client.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {}).status_code == 409


def test_approver_may_read_but_not_acknowledge(api_for, approver, portfolio):
    alert = portfolio["own"]

    response = api_for(approver).post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {})

    assert response.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == "open"


@pytest.mark.parametrize("role_user", ["rm", "lead", "approver"])
def test_dismiss_is_403_for_everyone_but_risk_officers(api_for, portfolio, request, role_user):
    alert = portfolio["own"]

    response = api_for(request.getfixturevalue(role_user)).post(
        f"/api/v1/alerts/{alert.pk}/dismiss/", {"note": "noise"}
    )

    assert response.status_code == 403
    assert Alert.objects.get(pk=alert.pk).status == "open"
    assert not AlertEvent.objects.filter(alert=alert).exists()


def test_risk_officer_dismisses_with_a_note(api_for, risk_officer, portfolio):
    alert = portfolio["other"]
    client = api_for(risk_officer)

    missing = client.post(f"/api/v1/alerts/{alert.pk}/dismiss/", {})
    done = client.post(f"/api/v1/alerts/{alert.pk}/dismiss/", {"note": "Duplicate of #1"})

    assert missing.status_code == 400
    assert missing.json() == {"note": ["This field is required."]}
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["close_note"]) == ("dismissed", "Duplicate of #1")


def test_resolve_validates_the_response(api_for, risk_officer, portfolio):
    alert = portfolio["own"]
    client = api_for(risk_officer)

    bad = client.post(f"/api/v1/alerts/{alert.pk}/resolve/", {"response": "hope"})
    good = client.post(
        f"/api/v1/alerts/{alert.pk}/resolve/",
        {"response": "liquidity_support", "note": "Bridge loan agreed"},
    )

    assert bad.status_code == 400
    assert list(bad.json()) == ["response"]
    assert good.status_code == 200
    assert (good.json()["status"], good.json()["response"]) == ("resolved", "liquidity_support")


def test_escalate_and_the_event_log(api_for, rm, risk_officer, portfolio):
    alert = portfolio["own"]
    api_for(rm).post(f"/api/v1/alerts/{alert.pk}/escalate/", {"comment": "Owner unreachable"})

    events = api_for(risk_officer).get(f"/api/v1/alerts/{alert.pk}/events/").json()

    assert [(e["action"], e["from_status"], e["to_status"], e["note"]) for e in events] == [
        ("escalated", "open", "escalated", "Owner unreachable")
    ]
    assert events[0]["actor"] == str(rm)


def test_comments_both_ways(api_for, rm, risk_officer, portfolio):
    alert = portfolio["own"]

    created = api_for(risk_officer).post(
        f"/api/v1/alerts/{alert.pk}/comments/", {"body": "Need the bank statements"}
    )
    api_for(rm).post(f"/api/v1/alerts/{alert.pk}/comments/", {"body": "Uploaded"})
    listed = api_for(rm).get(f"/api/v1/alerts/{alert.pk}/comments/").json()

    assert created.status_code == 201
    assert [c["body"] for c in listed] == ["Need the bank statements", "Uploaded"]
    assert api_for(rm).post(f"/api/v1/alerts/{alert.pk}/comments/", {"body": ""}).status_code == 400


def test_assign(api_for, risk_officer, rm, portfolio):
    alert = portfolio["own"]

    forbidden = api_for(rm).post(f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": rm.pk})
    done = api_for(risk_officer).post(
        f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": risk_officer.pk}
    )
    bad = api_for(risk_officer).post(f"/api/v1/alerts/{alert.pk}/assign/", {"assignee": 999999})

    assert forbidden.status_code == 403
    assert done.json()["assignee"] == risk_officer.pk
    assert bad.status_code == 400


def test_risk_officer_raises_a_manual_alert(api_for, risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm)
    payload = {
        "customer": customer.pk,
        "category": "executive_change",
        "severity": "yellow",
        "message": "CFO resigned",
    }

    response = api_for(risk_officer).post("/api/v1/alerts/", payload, format="json")
    by_rm = api_for(rm).post("/api/v1/alerts/", payload, format="json")
    bad = api_for(risk_officer).post("/api/v1/alerts/", {**payload, "severity": "x"}, format="json")

    assert response.status_code == 201
    assert (response.json()["rule"], response.json()["category"]) == ("manual", "executive_change")
    assert by_rm.status_code == 403
    assert bad.status_code == 400
    assert Alert.objects.count() == 1


def test_risk_scores_newest_first_with_factors_summing_to_the_score(api_for, rm, rm_other_team):
    customer = CustomerFactory(relationship_manager=rm)
    scorecard = ScorecardVersion.objects.get(version=1)
    factors = [
        {"dimension": "financial", "indicator": "debt_to_asset", "value": "0.55",
         "weight": "14.00", "band_score": 80, "points": "40.50"},
        {"dimension": "industry", "indicator": "industry_risk", "value": "3",
         "weight": "10.50", "band_score": 60, "points": "13.50"},
    ]  # fmt: skip
    for day, score in ((1, 61), (2, 54)):
        RiskScore.objects.create(
            customer=customer, as_of=date(2026, 3, day), scorecard=scorecard,
            model_version="scorecard-v1", score=score, grade="good", risk_level="medium",
            factors=factors,
        )  # fmt: skip

    response = api_for(rm).get(f"/api/v1/customers/{customer.pk}/risk-scores/")
    hidden = api_for(rm_other_team).get(f"/api/v1/customers/{customer.pk}/risk-scores/")

    rows = response.json()["results"]
    assert [(r["as_of"], r["score"]) for r in rows] == [("2026-03-02", 54), ("2026-03-01", 61)]
    assert rows[0]["model_version"] == "scorecard-v1"
    assert rows[0]["grade"] == "good"
    assert rows[0]["factors"][0]["points"] == "40.50"
    assert hidden.status_code == 404


def test_the_schema_describes_the_risk_endpoints(api_for, rm):
    schema = api_for(rm).get("/api/v1/schema/?format=json").json()

    assert "/api/v1/alerts/{id}/resolve/" in schema["paths"]
    assert "/api/v1/customers/{customer_id}/risk-scores/" in schema["paths"]
