"""The alert queue and alert page, manual alerts, events, watch list, worklist and panel."""

from datetime import date, timedelta

import pytest
from django.test import RequestFactory
from django.utils import timezone

from crm.models import User
from risk import services
from risk.models import Alert, AlertEvent, RiskEvent, RiskScore, ScorecardVersion, WatchListEntry
from risk.panels import customer_risk
from tests.factories import AlertFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_alert(rm):
    return AlertFactory(customer=CustomerFactory(relationship_manager=rm, name="Own Co"))


@pytest.fixture
def other_alert(rm_other_team):
    return AlertFactory(customer=CustomerFactory(relationship_manager=rm_other_team, name="Far Co"))


def test_queue_is_scoped_and_shows_the_facts_inline(web_for, rm, own_alert, other_alert):
    page = web_for(rm).get("/risk/alerts/").content.decode()

    assert "Own Co" in page
    assert "Far Co" not in page
    # The facts are on the queue page itself, in a collapsible row.
    assert "Debt-to-asset ratio" in page
    assert "0.8500" in page


def test_queue_for_risk_officers_shows_everything_and_bulk_assign(
    web_for, risk_officer, own_alert, other_alert
):
    page = web_for(risk_officer).get("/risk/alerts/").content.decode()

    assert "Own Co" in page
    assert "Far Co" in page
    assert 'value="assign"' in page


def test_queue_filters_and_defaults_to_active_alerts(web_for, risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm)
    AlertFactory(customer=customer, rule="revenue_drop", severity="red", message="Red one")
    AlertFactory(customer=customer, rule="debt_ratio_high", severity="yellow", message="Yellow one")
    AlertFactory(customer=customer, rule="score_drop", status="dismissed", message="Gone one",
                 closed_at=timezone.now())  # fmt: skip
    client = web_for(risk_officer)

    default = client.get("/risk/alerts/").content.decode()
    red = client.get("/risk/alerts/?severity=red").content.decode()
    dismissed = client.get("/risk/alerts/?status=dismissed").content.decode()

    assert "Red one" in default
    assert "Yellow one" in default
    assert "Gone one" not in default
    assert "Red one" in red
    assert "Yellow one" not in red
    assert "Gone one" in dismissed
    assert "Red one" not in dismissed


def test_queue_filters_by_branch_and_age(web_for, risk_officer, rm):
    today = timezone.localdate()
    pudong = CustomerFactory(relationship_manager=rm, branch="Pudong")
    haidian = CustomerFactory(relationship_manager=rm, branch="Haidian")
    AlertFactory(customer=pudong, message="Fresh Pudong", raised_on=today)
    AlertFactory(customer=haidian, message="Old Haidian", raised_on=today - timedelta(days=40))
    client = web_for(risk_officer)

    by_branch = client.get("/risk/alerts/?branch=pudong").content.decode()
    old = client.get("/risk/alerts/?age=30%2B").content.decode()

    assert "Fresh Pudong" in by_branch
    assert "Old Haidian" not in by_branch
    assert "Old Haidian" in old
    assert "Fresh Pudong" not in old


def test_sla_colouring(web_for, risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm)
    now = timezone.now()
    AlertFactory(customer=customer, rule="revenue_drop", due_at=now - timedelta(hours=1))
    AlertFactory(customer=customer, rule="score_drop", due_at=now + timedelta(hours=2))
    AlertFactory(customer=customer, rule="debt_ratio_high", due_at=now + timedelta(hours=30))

    page = web_for(risk_officer).get("/risk/alerts/?ordering=due_at").content.decode()

    assert page.count('data-sla="overdue"') == 1
    assert page.count('data-sla="due_soon"') == 1
    assert page.count('data-sla="on_time"') == 1
    assert page.count('class="table-danger"') == 1
    assert page.count('class="table-warning"') == 1


def test_queue_query_count_is_independent_of_rows(web_for, risk_officer, django_assert_num_queries):
    AlertFactory.create_batch(2)
    user = User.objects.get(pk=risk_officer.pk)
    client = web_for(user)
    client.get("/risk/alerts/")  # warm the session
    with django_assert_num_queries(6) as few:
        client.get("/risk/alerts/")
    AlertFactory.create_batch(20)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/risk/alerts/")


def test_bulk_acknowledge_only_touches_visible_alerts(web_for, rm, own_alert, other_alert):
    response = web_for(rm).post(
        "/risk/alerts/bulk/", {"action": "acknowledge", "ids": [own_alert.pk, other_alert.pk]}
    )

    assert response.status_code == 302
    assert Alert.objects.get(pk=own_alert.pk).status == "acknowledged"
    assert Alert.objects.get(pk=other_alert.pk).status == "open"


def test_bulk_assign_by_a_risk_officer(web_for, risk_officer, own_alert, other_alert):
    web_for(risk_officer).post(
        "/risk/alerts/bulk/",
        {"action": "assign", "assignee": risk_officer.pk, "ids": [own_alert.pk, other_alert.pk]},
    )

    assert set(Alert.objects.values_list("assignee", flat=True)) == {risk_officer.pk}


def test_bulk_assign_needs_an_assignee(web_for, risk_officer, own_alert):
    web_for(risk_officer).post("/risk/alerts/bulk/", {"action": "assign", "ids": [own_alert.pk]})

    assert Alert.objects.get(pk=own_alert.pk).assignee is None


def test_alert_page_links_to_the_customer_and_shows_actions_by_role(
    web_for, rm, risk_officer, own_alert
):
    rm_page = web_for(rm).get(f"/risk/alerts/{own_alert.pk}/").content.decode()
    ro_page = web_for(risk_officer).get(f"/risk/alerts/{own_alert.pk}/").content.decode()

    assert f'href="/customers/{own_alert.customer_id}/"' in rm_page
    assert "Acknowledge" in rm_page
    assert "Dismiss" not in rm_page
    assert "Dismiss" in ro_page


def test_alert_page_out_of_scope_is_404(web_for, rm, other_alert):
    assert web_for(rm).get(f"/risk/alerts/{other_alert.pk}/").status_code == 404
    assert web_for(rm).post(f"/risk/alerts/{other_alert.pk}/acknowledge/").status_code == 404


def test_working_an_alert_to_resolution_that_the_rm_sees(
    web_for, rm, risk_officer, own_alert, client
):
    web_for(rm).post(f"/risk/alerts/{own_alert.pk}/acknowledge/", {"note": "Seen"})
    web_for(risk_officer).post(f"/risk/alerts/{own_alert.pk}/comment/", {"body": "Get Q1 figures"})
    web_for(risk_officer).post(
        f"/risk/alerts/{own_alert.pk}/resolve/",
        {"response": "adjust_terms", "note": "Repayment plan stretched to 24 months"},
    )

    alert = Alert.objects.get(pk=own_alert.pk)
    assert (alert.status, alert.response) == ("resolved", "adjust_terms")
    worklist = web_for(rm).get("/").content.decode()
    assert "Repayment plan stretched to 24 months" in worklist
    detail = web_for(rm).get(f"/risk/alerts/{own_alert.pk}/").content.decode()
    assert "Get Q1 figures" in detail


def test_dismiss_by_an_rm_is_403_on_the_page_too(web_for, rm, own_alert):
    response = web_for(rm).post(f"/risk/alerts/{own_alert.pk}/dismiss/", {"note": "noise"})

    assert response.status_code == 403
    assert Alert.objects.get(pk=own_alert.pk).status == "open"
    assert not AlertEvent.objects.exists()


def test_unknown_actions_are_404(web_for, risk_officer, own_alert):
    assert web_for(risk_officer).post(f"/risk/alerts/{own_alert.pk}/explode/").status_code == 404


def test_raise_a_manual_alert_from_the_page(web_for, risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm)

    bad = web_for(risk_officer).post(
        "/risk/alerts/new/",
        {"customer": "999999", "category": "fraud", "severity": "red", "message": "x"},
    )
    good = web_for(risk_officer).post(
        "/risk/alerts/new/",
        {"customer": customer.uscc, "category": "litigation", "severity": "orange",
         "message": "Sued by supplier", "facts": "Case (2026) 沪0115民初123号"},
    )  # fmt: skip

    assert bad.status_code == 200
    assert "No customer with that id or USCC." in bad.content.decode()
    alert = Alert.objects.get()
    assert good.status_code == 302
    assert (alert.customer, alert.category) == (customer, "litigation")
    assert alert.details["facts"] == "Case (2026) 沪0115民初123号"


def test_rms_cannot_open_the_manual_alert_page(web_for, rm):
    assert web_for(rm).get("/risk/alerts/new/").status_code == 403


def test_record_a_macro_event_from_the_page(web_for, risk_officer, rm):
    CustomerFactory(relationship_manager=rm, region="Wenzhou")

    response = web_for(risk_officer).post(
        "/risk/events/",
        {"kind": "policy", "title": "Local credit tightening", "severity": "yellow",
         "occurred_on": "2026-03-01", "regions": "Wenzhou，Taizhou"},
    )  # fmt: skip
    empty = web_for(risk_officer).post(
        "/risk/events/",
        {"kind": "policy", "title": "x", "severity": "yellow", "occurred_on": "2026-03-01"},
    )

    assert response.status_code == 302
    event = RiskEvent.objects.get()
    assert (event.regions, event.alerts_raised) == (["Taizhou", "Wenzhou"], 1)
    assert "Tag at least one industry or region." in empty.content.decode()
    assert web_for(rm).post("/risk/events/", {"title": "x"}).status_code == 403


def test_watch_list_page(web_for, risk_officer, rm):
    customer = CustomerFactory(relationship_manager=rm, name="Watched Co")

    web_for(risk_officer).post(
        "/risk/watch-list/",
        {"customer": str(customer.pk), "reason": "Litigation", "review_interval_days": 30},
    )
    entry = WatchListEntry.objects.get()
    web_for(risk_officer).post(f"/risk/watch-list/{entry.pk}/review/", {"conclusion": "Stable"})

    entry.refresh_from_db()
    assert entry.last_reviewed_on == timezone.localdate()
    page = web_for(rm).get("/risk/watch-list/").content.decode()
    assert "Watched Co" in page
    assert (
        web_for(rm).post(f"/risk/watch-list/{entry.pk}/remove/", {"reason": "x"}).status_code == 403
    )


def test_worklist_sections_by_role(web_for, rm, risk_officer, approver, own_alert):
    rm_page = web_for(rm).get("/").content.decode()
    ro_page = web_for(risk_officer).get("/").content.decode()
    approver_page = web_for(approver).get("/").content.decode()

    assert f'data-key="alert-{own_alert.pk}"' in rm_page
    assert own_alert.message in rm_page
    assert 'data-testid="worklist-risk.queue"' in ro_page
    assert f'data-key="alert-{own_alert.pk}"' not in ro_page
    assert "worklist-risk" not in approver_page
    assert f'data-key="alert-{own_alert.pk}"' not in approver_page


def test_customer_panel_shows_alerts_trend_and_breakdown(rm, risk_officer, own_alert):
    customer = own_alert.customer
    scorecard = ScorecardVersion.objects.get(version=1)
    for day, score in ((1, 66), (2, 54)):
        RiskScore.objects.create(
            customer=customer, as_of=date(2026, 3, day), scorecard=scorecard,
            model_version="scorecard-v1", score=score, grade="watch", risk_level="medium",
            factors=[{"dimension": "industry", "indicator": "industry_risk", "value": "3",
                      "weight": "10.50", "band_score": 60, "points": "54.00"}],
        )  # fmt: skip
    request = RequestFactory().get("/")
    request.user = risk_officer

    context = customer_risk(request, customer)

    assert context["open_alerts"] == [own_alert]
    assert context["latest_score"].score == 54
    assert context["trend"] == [
        {"as_of": "2026-03-01", "score": 66},
        {"as_of": "2026-03-02", "score": 54},
    ]
    assert context["can_raise"] is True
    services.alert_resolve(alert=own_alert, user=risk_officer, response="other")
    assert customer_risk(request, customer)["open_alerts"] == []


def test_timeline_lists_alert_events_and_comments_in_scope(
    rm, rm_other_team, risk_officer, own_alert
):
    from crm.registry import customer_timeline

    services.alert_acknowledge(alert=own_alert, user=rm, note="Calling them")
    services.alert_comment_add(alert=own_alert, user=risk_officer, body="Thanks")

    entries = customer_timeline(own_alert.customer, rm, kinds=["alert"])
    hidden = customer_timeline(own_alert.customer, rm_other_team, kinds=["alert"])

    assert [(e.title, e.detail) for e in entries] == [
        (f"Comment on alert: {own_alert.message}", "Thanks"),
        (f"Alert acknowledged (确认): {own_alert.message}", "Calling them"),
    ]
    assert hidden == []


def test_the_customer_page_has_the_risk_tab(web_for, rm, own_alert):
    client = web_for(rm)
    page = client.get(f"/customers/{own_alert.customer_id}/").content.decode()
    tab = client.get(
        f"/customers/{own_alert.customer_id}/tab/risk/", HTTP_HX_REQUEST="true"
    ).content.decode()

    assert f'hx-get="/customers/{own_alert.customer_id}/tab/risk/"' in page
    assert 'data-testid="risk-panel"' not in page
    assert 'data-testid="risk-panel"' in tab
    assert own_alert.message in tab


def test_details_read_as_labelled_facts():
    from risk.templatetags.risk_tags import detail_items

    items = detail_items(
        {
            "days_past_due": 95,
            "non_performing": True,
            "findings": "",
            "related_parties": [
                {"customer_name": "Huaxin Steel", "days_past_due": 120, "relation": "same_group"},
                {"customer_name": "Other", "days_past_due": 90, "relation": "parent"},
            ],
        }
    )

    assert [(str(label), [str(line) for line in lines]) for label, lines in items] == [
        ("Days past due", ["95"]),
        ("Non-performing", ["yes"]),
        (
            "Related parties",
            [
                "Customer name: Huaxin Steel; Days past due: 120; Relation: same_group",
                "Customer name: Other; Days past due: 90; Relation: parent",
            ],
        ),
    ]
