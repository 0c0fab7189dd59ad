"""The worklist: one list ranked by an explicit urgency score, the team lead's per-RM filter,
the approver's queue, and the inline actions (htmx and plain POST) with their permissions."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from crm.worklist import OVERDUE, TODAY, WEEK, format_money, urgency
from interactions.models import Interaction, Task
from interactions.services import task_create
from loans import services as loan_services
from risk.models import Alert
from tests.factories import AlertFactory, ContactFactory, CustomerFactory, make_interaction
from tests.loans.conftest import submitted
from tests.risk.conftest import add_installment, make_loan

D = Decimal
HX = {"HTTP_HX_REQUEST": "true"}


# --- the score ------------------------------------------------------------------------------


def test_bands_never_interleave_whatever_the_weight_and_lateness():
    least_overdue = urgency(band=OVERDUE, weight="birthday", days_late=0)
    most_today = urgency(band=TODAY, weight="repayment", days_late=500)
    least_today = urgency(band=TODAY, weight="birthday", days=7)
    most_week = urgency(band=WEEK, weight="repayment", days=0)

    assert (least_overdue, most_today, least_today, most_week) == (1050, 900, 550, 370)
    assert least_overdue > most_today
    assert least_today > most_week


def test_lateness_counts_a_point_a_day_up_to_a_hundred_and_sooner_counts_ten_a_day():
    assert urgency(band=OVERDUE, weight="repayment", days=-12) == 1312
    assert urgency(band=OVERDUE, weight="repayment", days=-400) == 1400
    assert urgency(band=TODAY, weight="task", days=0) == 720
    assert urgency(band=WEEK, weight="task", days=1) == 210
    assert urgency(band=WEEK, weight="task", days=7) == 150
    assert urgency(band=TODAY, weight="approval", days_late=3) == 723


def test_weights_put_money_and_red_alerts_before_routine_care():
    red = urgency(band=OVERDUE, weight="alert_red", days_late=2)
    repayment = urgency(band=OVERDUE, weight="repayment", days=-2)
    complaint = urgency(band=OVERDUE, weight="sla", days_late=2)
    task = urgency(band=OVERDUE, weight="task", days=-2)
    yellow = urgency(band=OVERDUE, weight="alert_yellow", days_late=2)

    assert repayment > red > complaint > task > yellow


def test_money_is_shown_with_separators_and_two_decimals_rounded_half_up():
    assert format_money(D("1234567")) == "CNY 1,234,567.00"
    assert format_money(D("0.005")) == "CNY 0.01"
    assert format_money(None) == ""


# --- the page -------------------------------------------------------------------------------


@pytest.fixture
def customer(rm):
    return CustomerFactory(relationship_manager=rm, name="Jiangnan Textiles")


def _keys(html: str) -> list[str]:
    import re

    return re.findall(r'data-key="([^"]+)"', html)


@pytest.mark.django_db
def test_the_rm_day_is_one_list_ranked_by_urgency_with_reasons(web_for, rm, customer):
    today = timezone.localdate()
    loan = make_loan(customer, by=rm)
    add_installment(
        loan,
        number=1,
        due_date=today - timedelta(days=12),
        principal=D("1200000.00"),
        interest=D("34567.00"),
    )
    red = AlertFactory(customer=customer, severity="red", due_at=timezone.now() - timedelta(days=2))
    yellow = AlertFactory(
        customer=customer, severity="yellow", rule="revenue_drop", message="Revenue down 31%"
    )
    late_task = task_create(
        owner=rm, customer=customer, title="Send term sheet", due_date=today - timedelta(days=3)
    )
    soon_task = task_create(owner=rm, title="Prepare visit", due_date=today + timedelta(days=2))
    contact = ContactFactory(
        customer=customer,
        name="Li Wei",
        birthday=date(1980, *(today + timedelta(days=1)).timetuple()[1:3]),
    )

    html = web_for(rm).get("/").content.decode()

    assert _keys(html) == [
        f"repayment-{loan.pk}",  # overdue, money: 1000 + 300 + 12
        f"alert-{red.pk}",  # overdue, red: 1000 + 280 + 2
        f"task-{late_task.pk}",  # overdue follow-up: 1000 + 150 + 3
        f"alert-{yellow.pk}",  # today, yellow alert to acknowledge
        f"task-{soon_task.pk}",  # this week: 150 + 50
        f"birthday-{contact.pk}",  # this week: 50 + 60
    ]
    assert "Overdue 12 days · CNY 1,234,567.00" in html
    assert "Follow-up overdue 3 days" in html
    assert "Due in 2 days" in html
    assert "Acknowledgement overdue by 2 days" in html
    assert 'data-testid="worklist-band-overdue"' in html
    assert 'data-testid="band-count">3<' in html  # three overdue, one today, two this week
    assert 'data-testid="band-count">1<' in html
    assert 'data-testid="band-count">2<' in html


@pytest.mark.django_db
def test_the_first_page_shows_the_most_urgent_and_the_rest_on_request(
    web_for, rm, customer, monkeypatch
):
    from crm import views

    monkeypatch.setattr(views, "WORKLIST_FIRST_PAGE", 2)
    today = timezone.localdate()
    late = [
        task_create(owner=rm, customer=customer, title=f"Late {n}", due_date=today - timedelta(n))
        for n in (1, 2, 3)
    ]
    soon = task_create(owner=rm, title="Soon", due_date=today + timedelta(days=2))
    client = web_for(rm)

    html = client.get("/").content.decode()
    assert _keys(html) == [f"task-{late[2].pk}", f"task-{late[1].pk}"]  # most overdue first
    assert "Show 2 more items" in html
    assert 'href="/?all=1"' in html
    assert 'data-testid="source-interactions.tasks"' in html  # the counts cover every row
    assert ">4</span> Follow-ups" in html

    everything = client.get("/?all=1").content.decode()
    assert _keys(everything) == [f"task-{t.pk}" for t in (late[2], late[1], late[0], soon)]
    assert "more item" not in everything
    # An inline action returns to the whole list, and htmx refreshes the whole list.
    assert 'name="next" value="/?all=1"' in everything
    assert "all=1&amp;part=list" in everything

    part = client.get("/?all=1&part=list", **HX)
    assert part.status_code == 200
    assert len(_keys(part.content.decode())) == 4


@pytest.mark.django_db
def test_nothing_due_shows_the_empty_state(web_for, rm):
    html = web_for(rm).get("/").content.decode()

    assert "Nothing needs you today" in html
    assert "worklist-row" not in html


@pytest.mark.django_db
def test_other_rms_items_are_not_on_my_list(web_for, rm, rm_other_team, customer):
    theirs = CustomerFactory(relationship_manager=rm_other_team)
    AlertFactory(customer=theirs, message="Their alert")
    task_create(
        owner=rm_other_team, customer=theirs, title="Their task", due_date=timezone.localdate()
    )

    html = web_for(rm).get("/").content.decode()

    assert "Their alert" not in html
    assert "Their task" not in html


@pytest.mark.django_db
def test_visits_overdue_and_returned_applications_are_on_the_list(web_for, rm, approver, clock):
    from interactions.services import visit_plan_create

    today = timezone.localdate()
    clock.set(timezone.now() - timedelta(days=200))
    customer = CustomerFactory(
        relationship_manager=rm, name="Old Friend Co", lifecycle_stage="established"
    )
    clock.set(None)
    plan = visit_plan_create(
        user=rm,
        customer=CustomerFactory(relationship_manager=rm),
        planned_for=today + timedelta(days=1),
        agenda="Annual review",
    )
    type(plan).objects.filter(pk=plan.pk).update(planned_for=today - timedelta(days=4))
    application = submitted(rm, customer)
    loan_services.application_return(
        application=application, user=approver, comment="Add the 2025 statements"
    )

    html = web_for(rm).get("/").content.decode()

    assert f'data-key="visit-plan-{plan.pk}"' in html
    assert "Planned visit missed 4 days ago" in html
    assert f'data-key="visit-due-{customer.pk}"' in html
    assert "On-site visit overdue" in html
    assert f'data-key="returned-{application.pk}"' in html
    assert "Returned for changes today · CNY 1,000,000.00" in html


# --- team lead ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_lead_sees_the_team_and_narrows_it_to_one_rm(
    web_for, lead, rm, rm_same_team, rm_other_team
):
    today = timezone.localdate()
    mine = task_create(owner=rm, title="Call A", due_date=today)
    theirs = task_create(owner=rm_same_team, title="Call B", due_date=today)
    other = task_create(owner=rm_other_team, title="Call C", due_date=today)
    client = web_for(lead)

    team = client.get("/").content.decode()
    one = client.get(f"/?rm={rm_same_team.pk}").content.decode()

    assert {f"task-{mine.pk}", f"task-{theirs.pk}"} <= set(_keys(team))
    assert f"task-{other.pk}" not in _keys(team)
    assert "RM: rm_a1" in team
    assert _keys(one) == [f"task-{theirs.pk}"]
    assert f'<option value="{rm_same_team.pk}" selected>' in one
    assert client.get(f"/?rm={rm_other_team.pk}").status_code == 404
    assert client.get("/?rm=abc").status_code == 404


@pytest.mark.django_db
def test_an_rm_cannot_use_the_filter_to_read_a_colleagues_list(web_for, rm, rm_same_team):
    task_create(owner=rm_same_team, title="Colleague's call", due_date=timezone.localdate())

    response = web_for(rm).get(f"/?rm={rm_same_team.pk}")

    assert response.status_code == 200
    assert "Colleague&#x27;s call" not in response.content.decode()
    assert 'data-testid="rm-filter"' not in response.content.decode()


# --- approvers ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_queue_is_four_eyes_and_moves_to_the_second_approver(
    web_for, rm, approver, approver2, customer
):
    application = submitted(rm, customer, amount=D("8000000.00"))
    key = f'data-key="approval-{application.pk}"'

    first = web_for(approver).get("/").content.decode()
    assert key in first
    assert "approval 1 of 2" in first
    assert key not in web_for(rm).get("/").content.decode()

    loan_services.application_approve(application=application, user=approver, comment="ok")

    assert key not in web_for(approver).get("/").content.decode()
    second = web_for(approver2).get("/").content.decode()
    assert key in second
    assert "approval 2 of 2" in second


# --- inline actions -------------------------------------------------------------------------


@pytest.mark.django_db
def test_acknowledge_inline_answers_htmx_and_the_row_goes(web_for, rm, customer):
    alert = AlertFactory(customer=customer)
    client = web_for(rm)

    response = client.post(f"/risk/alerts/{alert.pk}/acknowledge/", {"next": "/"}, **HX)

    assert response.status_code == 204
    assert response["HX-Trigger"] == "worklist:changed"
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"
    fragment = client.get("/?part=list", **HX).content.decode()
    assert fragment.startswith('<div id="worklist-list"')
    assert f"alert-{alert.pk}" not in fragment


@pytest.mark.django_db
def test_acknowledge_without_javascript_redirects_back(web_for, rm, customer):
    alert = AlertFactory(customer=customer)

    response = web_for(rm).post(f"/risk/alerts/{alert.pk}/acknowledge/", {"next": "/"})

    assert (response.status_code, response["Location"]) == (302, "/")
    assert Alert.objects.get(pk=alert.pk).status == "acknowledged"


@pytest.mark.django_db
def test_acknowledge_is_refused_to_an_approver_and_hidden_from_another_team(
    web_for, approver, rm_other_team, customer
):
    alert = AlertFactory(customer=customer)

    refused = web_for(approver).post(f"/risk/alerts/{alert.pk}/acknowledge/", {}, **HX)
    hidden = web_for(rm_other_team).post(f"/risk/alerts/{alert.pk}/acknowledge/", {}, **HX)

    assert refused.status_code == 403
    assert refused.content.decode() == "Your role may not acknowledge alerts."
    assert refused["Content-Type"].startswith("text/plain")
    assert hidden.status_code == 404
    assert Alert.objects.get(pk=alert.pk).status == "open"


@pytest.mark.django_db
def test_a_second_acknowledge_says_why_in_the_row(web_for, rm, customer):
    alert = AlertFactory(customer=customer)
    client = web_for(rm)
    client.post(f"/risk/alerts/{alert.pk}/acknowledge/", {}, **HX)

    again = client.post(f"/risk/alerts/{alert.pk}/acknowledge/", {}, **HX)

    assert again.status_code == 409
    assert "cannot be acknowledged" in again.content.decode()


@pytest.mark.django_db
def test_mark_a_follow_up_done_inline_and_without_javascript(web_for, rm, lead, rm_other_team):
    today = timezone.localdate()
    first = task_create(owner=rm, title="Call back", due_date=today)
    second = task_create(owner=rm, title="Email offer", due_date=today)

    inline = web_for(rm).post(f"/interactions/tasks/{first.pk}/complete/", {"next": "/"}, **HX)
    plain = web_for(lead).post(f"/interactions/tasks/{second.pk}/complete/", {"next": "/"})
    foreign = web_for(rm_other_team).post(f"/interactions/tasks/{second.pk}/complete/", {}, **HX)

    assert (inline.status_code, inline["HX-Trigger"]) == (204, "worklist:changed")
    assert (plain.status_code, plain["Location"]) == (302, "/")
    assert foreign.status_code == 404
    assert list(Task.objects.order_by("pk").values_list("status", flat=True)) == ["done", "done"]
    assert "Call back" not in web_for(rm).get("/").content.decode()


@pytest.mark.django_db
def test_log_a_contact_inline_clears_the_overdue_contact(web_for, rm, clock):
    clock.set(timezone.now() - timedelta(days=120))
    customer = CustomerFactory(
        relationship_manager=rm, name="Quiet Co", lifecycle_stage="established"
    )
    make_interaction(customer)
    clock.set(None)
    client = web_for(rm)
    assert f'data-key="contact-{customer.pk}"' in client.get("/").content.decode()

    response = client.post(
        "/interactions/",
        {
            "customer": customer.pk,
            "channel": "phone",
            "purpose": "return_visit",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "Checked in; orders steady.",
            "next": "/",
        },
        **HX,
    )

    assert response.status_code == 204
    assert Interaction.objects.filter(customer=customer).count() == 2
    assert f'data-key="contact-{customer.pk}"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_log_a_contact_inline_with_errors_saves_nothing_and_says_why(web_for, rm, customer):
    response = web_for(rm).post(
        "/interactions/",
        {
            "customer": customer.pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": "",
            "summary": "",
        },
        **HX,
    )

    assert response.status_code == 400
    assert "Summary: This field is required." in response.content.decode()
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_log_a_contact_without_javascript_returns_to_the_worklist(web_for, rm, customer):
    response = web_for(rm).post(
        "/interactions/",
        {
            "customer": customer.pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "Called.",
            "next": "/",
        },
    )

    assert (response.status_code, response["Location"]) == (302, "/")
    assert Interaction.objects.count() == 1


@pytest.mark.django_db
def test_log_a_contact_on_another_teams_customer_is_refused(web_for, rm_other_team, customer):
    response = web_for(rm_other_team).post(
        "/interactions/",
        {
            "customer": customer.pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "Called.",
        },
        **HX,
    )

    assert response.status_code == 400
    assert "Customer:" in response.content.decode()
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_inline_forms_carry_the_csrf_token(web_for, rm, customer):
    AlertFactory(customer=customer)
    task_create(owner=rm, title="Call", due_date=timezone.localdate())

    html = web_for(rm).get("/").content.decode()

    assert html.count('name="csrfmiddlewaretoken"') >= 3  # two actions and the logout form
    assert 'hx-headers=\'{"X-CSRFToken"' in html


@pytest.mark.django_db
def test_risk_officer_sees_the_queue_summary_with_the_oldest_unacknowledged(
    web_for, risk_officer, customer
):
    AlertFactory(customer=customer, severity="red", message="Oldest one")

    html = web_for(risk_officer).get("/").content.decode()

    assert 'data-testid="worklist-risk.queue"' in html
    assert 'data-testid="queue-oldest"' in html
    assert "Oldest one" in html
    assert "Nothing needs you today" not in html  # the queue below is their work
    assert 'data-testid="worklist-list-empty"' in html


@pytest.mark.django_db
def test_inline_actions_are_refused_without_the_csrf_token_htmx_sends(rm):
    import re

    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(rm)
    task = task_create(owner=rm, title="Call", due_date=timezone.localdate())
    html = client.get("/").content.decode()
    token = re.search(r'hx-headers=\'\{"X-CSRFToken": "([^"]+)"\}\'', html).group(1)

    forged = client.post(f"/interactions/tasks/{task.pk}/complete/", {}, **HX)
    task.refresh_from_db()
    assert (forged.status_code, task.status) == (403, "open")

    sent = client.post(f"/interactions/tasks/{task.pk}/complete/", {}, HTTP_X_CSRFTOKEN=token, **HX)
    task.refresh_from_db()
    assert (sent.status_code, task.status) == (204, "done")


@pytest.mark.django_db
def test_the_leads_team_list_costs_the_same_queries_whatever_the_rows(
    web_for, lead, rm, rm_same_team, django_assert_num_queries
):
    def fill():
        for owner in (rm, rm_same_team):
            customer = CustomerFactory(relationship_manager=owner)
            AlertFactory(customer=customer)
            task_create(owner=owner, customer=customer, title="Call", due_date=timezone.localdate())

    fill()
    client = web_for(lead)
    client.get("/")
    # the RM's 25 (tests/interactions) plus the team's RMs for the filter; none per row
    with django_assert_num_queries(15) as first:
        client.get("/")
    for _ in range(4):
        fill()
    with django_assert_num_queries(len(first.captured_queries)):
        client.get("/")


@pytest.mark.django_db
def test_log_a_contact_is_refused_to_a_role_that_may_not_log(web_for, risk_officer, customer):
    response = web_for(risk_officer).post(
        "/interactions/",
        {
            "customer": customer.pk,
            "channel": "phone",
            "purpose": "care",
            "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "summary": "Called.",
        },
        **HX,
    )

    assert response.status_code == 403
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_the_panels_follow_the_rm_a_lead_picked(web_for, lead, rm, rm_same_team):
    CustomerFactory(relationship_manager=rm, name="Picked RM Co")
    CustomerFactory(relationship_manager=rm_same_team, name="Other RM Co")
    client = web_for(lead)

    team = client.get("/").content.decode()
    one = client.get(f"/?rm={rm.pk}").content.decode()

    assert "Picked RM Co" in team
    assert "Other RM Co" in team
    assert "Picked RM Co" in one
    assert "Other RM Co" not in one
