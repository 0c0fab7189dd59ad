"""The customer page as the single view: header facts, lazy tabs, scoping, access log, queries."""

import re
from datetime import date
from decimal import Decimal

import pytest

from crm.models import AccessLog, User
from customers import services
from risk.services import scores_compute
from tests.factories import AlertFactory, ContactFactory, CustomerFactory, make_service_request
from tests.loans.conftest import disbursed_loan

D = Decimal
TABS = [
    "profile",
    "contacts",
    "financials",
    "loans",
    "timeline",
    "service",
    "risk",
    "needs",
    "relations",
    "onboarding",
    "history",
    "privacy",
]


def _hx(client, path, **params):
    return client.get(path, params, HTTP_HX_REQUEST="true")


@pytest.fixture
def customer(rm):
    return CustomerFactory(
        relationship_manager=rm,
        name="Huaxin Machinery Co., Ltd.",
        credit_grade="good",
        risk_score=71,
        registered_capital=D("12345678.50"),
    )


@pytest.fixture
def owner(web_for, rm):
    return web_for(User.objects.get(pk=rm.pk))


# --- tabs -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_every_tab_and_renders_only_the_first(owner, customer):
    html = owner.get(f"/customers/{customer.pk}/").content.decode()

    assert re.findall(r'role="tab" aria-controls="tab-[a-z]+" aria-selected="(\w+)"', html) == [
        "true"
    ] + ["false"] * (len(TABS) - 1)
    assert re.findall(r'data-tab="([a-z]+)"', html) == TABS
    assert 'role="tablist"' in html
    assert html.count('role="tabpanel"') == len(TABS)
    assert "Identity" in html  # the profile tab's content
    for key in TABS[1:]:
        assert f'hx-get="/customers/{customer.pk}/tab/{key}/"' in html
        assert f'href="/customers/{customer.pk}/?tab={key}"' in html  # works without JavaScript
    assert f'hx-get="/customers/{customer.pk}/tab/profile/"' not in html


@pytest.mark.django_db
def test_tab_query_opens_that_tab_and_an_unknown_one_the_first(owner, customer):
    ContactFactory(customer=customer, name="Wang Fang")

    contacts = owner.get(f"/customers/{customer.pk}/", {"tab": "contacts"}).content.decode()
    unknown = owner.get(f"/customers/{customer.pk}/", {"tab": "nope"}).content.decode()

    assert "Wang Fang" in contacts
    assert re.search(r'data-tab="contacts"', contacts)
    assert 'aria-controls="tab-contacts" aria-selected="true"' in contacts
    assert 'aria-controls="tab-profile" aria-selected="false"' in contacts
    assert 'aria-controls="tab-profile" aria-selected="true"' in unknown
    assert "Identity" in unknown


@pytest.mark.django_db
def test_a_tab_url_gives_the_fragment_to_htmx_and_the_page_to_a_plain_link(owner, customer):
    ContactFactory(customer=customer, name="Wang Fang")
    path = f"/customers/{customer.pk}/tab/contacts/"

    fragment = _hx(owner, path)
    page = owner.get(path)

    assert fragment.status_code == 200
    assert "Wang Fang" in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    assert page.status_code == 200
    assert "<html" in page.content.decode()
    assert 'aria-controls="tab-contacts" aria-selected="true"' in page.content.decode()
    # Links on that page lead to the page's own address, not back to the tab's URL.
    assert f'href="/customers/{customer.pk}/?tab=profile"' in page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("key", TABS)
def test_every_tab_loads_for_the_owner_and_is_404_out_of_scope(
    web_for, rm, rm_other_team, customer, key
):
    path = f"/customers/{customer.pk}/tab/{key}/"

    assert _hx(web_for(rm), path).status_code == 200
    assert _hx(web_for(rm_other_team), path).status_code == 404
    assert web_for(rm_other_team).get(path).status_code == 404


@pytest.mark.django_db
def test_unknown_tab_is_404_and_anonymous_users_go_to_the_login(owner, customer):
    from django.test import Client

    assert _hx(owner, f"/customers/{customer.pk}/tab/nope/").status_code == 404
    anonymous = Client().get(f"/customers/{customer.pk}/tab/contacts/")
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_tabs_are_visible_to_every_role_that_sees_the_customer(
    web_for, lead, approver, risk_officer, rm_same_team, customer
):
    for user in (lead, approver, risk_officer):
        assert _hx(web_for(user), f"/customers/{customer.pk}/tab/risk/").status_code == 200
    assert _hx(web_for(rm_same_team), f"/customers/{customer.pk}/tab/risk/").status_code == 404


# --- header -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_header_shows_grade_score_worst_class_exposure_and_open_alerts(
    owner, rm, approver, customer
):
    from loans.models import Loan

    first = disbursed_loan(rm, approver, customer, amount=D("1234567.89"))
    second = disbursed_loan(rm, approver, customer, amount=D("1000000.00"))
    settled = disbursed_loan(rm, approver, customer, amount=D("500000.00"))
    Loan.objects.filter(pk=second.pk).update(classification="substandard")
    Loan.objects.filter(pk=settled.pk).update(
        status="settled", classification="loss", outstanding_principal=0
    )
    AlertFactory(customer=customer)
    AlertFactory(customer=customer, rule="revenue_drop", status="acknowledged")
    AlertFactory(
        customer=customer, rule="collateral_shortfall", status="resolved", response="other"
    )

    html = owner.get(f"/customers/{customer.pk}/").content.decode()

    assert first.outstanding_principal == D("1234567.89")
    assert 'data-testid="fact-exposure">¥2,234,567.89</dd>' in html
    assert re.search(r'data-testid="fact-worst-class"><span class="[^"]*class-2">Substandard', html)
    assert re.search(r'data-testid="fact-credit">Good \(良好\) · 71</dd>', html)
    assert re.search(r'href="/customers/\d+/\?tab=risk"[^>]*>2 open alerts</a>', html)
    assert 'data-testid="customer-uscc">' + customer.uscc in html
    assert "Lifecycle: " in html
    assert "Tier: " in html


@pytest.mark.django_db
def test_header_without_loans_or_alerts(owner, customer):
    html = owner.get(f"/customers/{customer.pk}/").content.decode()

    assert 'data-testid="fact-exposure">¥0.00</dd>' in html
    assert "No active loans" in html
    assert re.search(r'href="/customers/\d+/\?tab=risk"[^>]*>0 open alerts</a>', html)


# --- tab contents -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_risk_tab_shows_the_score_trend_and_the_latest_factor_breakdown(owner, customer):
    scores_compute(as_of=date(2026, 10, 31), customer_ids=[customer.pk])
    scores_compute(as_of=date(2026, 11, 20), customer_ids=[customer.pk])
    from risk.models import RiskScore

    latest = RiskScore.objects.filter(customer=customer).latest("as_of")

    html = _hx(owner, f"/customers/{customer.pk}/tab/risk/").content.decode()

    trend = re.search(r'<script id="risk-score-trend" type="application/json">(.*?)</script>', html)
    assert trend is not None
    assert '"as_of": "2026-10-31"' in trend.group(1)
    assert '"as_of": "2026-11-20"' in trend.group(1)
    assert 'class="js-score-trend"' in html
    rows = re.findall(r"<tr><td>", html[html.index('data-testid="score-factors"') :])
    assert len(rows) == len(latest.factors) > 0
    assert f'<td class="num fw-semibold">{latest.score}</td>' in html


@pytest.mark.django_db
def test_service_tab_lists_the_customers_requests_open_first(owner, customer, rm_other_team):
    make_service_request(customer, summary="Statement arrived late.")
    other = CustomerFactory(relationship_manager=rm_other_team)
    make_service_request(other, summary="Someone else's complaint")

    html = _hx(owner, f"/customers/{customer.pk}/tab/service/").content.decode()

    assert "Statement arrived late." in html
    assert "Someone else&#x27;s complaint" not in html
    assert "Someone else's complaint" not in html


@pytest.mark.django_db
def test_service_tab_empty_state(owner, customer):
    html = _hx(owner, f"/customers/{customer.pk}/tab/service/").content.decode()

    assert 'data-testid="empty-state"' in html


@pytest.mark.django_db
def test_loans_tab_formats_money(owner, rm, approver, customer):
    disbursed_loan(rm, approver, customer, amount=D("1234567.89"))

    html = _hx(owner, f"/customers/{customer.pk}/tab/loans/").content.decode()

    assert 'data-testid="loans-exposure">¥1,234,567.89</strong>' in html
    assert '<td class="money">1,234,567.89</td>' in html


# --- access log -------------------------------------------------------------------------------


def _log(customer):
    return list(
        AccessLog.objects.filter(customer=customer)
        .order_by("id")
        .values_list("action", "category", "user__username")
    )


@pytest.mark.django_db
def test_a_page_view_is_logged_once_as_basic(owner, customer):
    owner.get(f"/customers/{customer.pk}/")

    assert _log(customer) == [("view", "basic", "rm_a1")]


@pytest.mark.django_db
def test_loading_a_basic_tab_logs_nothing_more(owner, customer):
    for key in ("contacts", "financials", "needs", "relations", "onboarding", "history"):
        _hx(owner, f"/customers/{customer.pk}/tab/{key}/")

    assert _log(customer) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("key", "category"),
    [
        ("loans", "transaction"),
        ("risk", "risk"),
        ("timeline", "behavioural"),
        ("service", "behavioural"),
    ],
)
def test_loading_a_tab_of_another_category_logs_that_category(owner, customer, key, category):
    _hx(owner, f"/customers/{customer.pk}/tab/{key}/")

    assert _log(customer) == [("view", category, "rm_a1")]
    assert AccessLog.objects.get(customer=customer).detail == f"customer page, tab {key}"


@pytest.mark.django_db
def test_a_page_opened_on_the_risk_tab_logs_basic_and_risk(owner, customer):
    owner.get(f"/customers/{customer.pk}/", {"tab": "risk"})

    assert _log(customer) == [("view", "basic", "rm_a1"), ("view", "risk", "rm_a1")]


@pytest.mark.django_db
def test_out_of_scope_views_log_nothing(web_for, rm_other_team, customer):
    web_for(rm_other_team).get(f"/customers/{customer.pk}/")
    _hx(web_for(rm_other_team), f"/customers/{customer.pk}/tab/risk/")

    # (Logging in is logged too, as a session event: no data access.)
    assert not AccessLog.objects.filter(action="view").exists()


# --- query counts -----------------------------------------------------------------------------


def _add_rows(customer, rm, approver, start, count):
    """`count` rows in every tab: contacts, statements, needs, relations, loans, alerts, ..."""
    from interactions.models import Interaction  # noqa: F401  (the timeline reads it)
    from tests.factories import make_interaction

    for n in range(start, start + count):
        ContactFactory(customer=customer)
        services.statement_save(
            customer=customer,
            user=rm,
            data={
                "period_end": f"{2000 + n}-12-31",
                "revenue": 100 + n,
                "total_assets": 200,
                "total_liabilities": 100,
            },
        )
        services.need_save(
            customer=customer,
            user=rm,
            data={"kind": "business", "discovery_method": "interview", "title": f"N{n}"},
        )
        other = CustomerFactory(relationship_manager=rm)
        services.relation_create(customer=customer, user=rm, related=other, kind="affiliate")
        loan = disbursed_loan(rm, approver, customer, amount=D("100000.00"))
        AlertFactory(customer=customer, loan=loan, rule="repayment_overdue", message=f"A{n}")
        make_service_request(customer, summary=f"Request {n}")
        make_interaction(customer, summary=f"Call {n}")


# Was 39 when every tab was rendered with the page. Now: session, user, roles and permissions
# (one query, crm/auth_backends.py), the customer (scoped), the header's facts (loans: exposure
# and worst class in one grouped query; risk: open alerts), the segmentation policy (review
# date: from the cache, crm/config_cache.py, once warm) and the access-log insert. The
# session is not written (crm/sessions.py).
FIRST_PAINT_QUERIES = 7
# A tab loaded with htmx: session, user, roles and permissions, customer, the access-log insert
# for the non-basic categories, plus the tab's own queries, none of them per row.
TAB_QUERIES = {
    "profile": 4,
    "contacts": 5,
    "financials": 5,
    "loans": 7,
    "timeline": 16,
    "service": 6,
    "risk": 8,
    "needs": 5,
    "relations": 8,
    "onboarding": 8,
    "history": 5,
    "privacy": 7,
}


@pytest.mark.django_db
def test_first_paint_query_count_is_pinned_and_independent_of_rows(
    owner, rm, approver, customer, django_assert_num_queries
):
    _add_rows(customer, rm, approver, 0, 1)
    owner.get(f"/customers/{customer.pk}/")  # the policy tables are read once, then cached
    with django_assert_num_queries(FIRST_PAINT_QUERIES):
        assert owner.get(f"/customers/{customer.pk}/").status_code == 200
    _add_rows(customer, rm, approver, 10, 4)
    with django_assert_num_queries(FIRST_PAINT_QUERIES):
        assert owner.get(f"/customers/{customer.pk}/").status_code == 200


@pytest.mark.django_db
def test_every_tabs_query_count_is_pinned_and_independent_of_rows(
    owner, rm, approver, customer, django_assert_num_queries
):
    assert sorted(TAB_QUERIES) == sorted(TABS)
    _add_rows(customer, rm, approver, 0, 1)
    owner.get(f"/customers/{customer.pk}/")  # the policy tables are read once, then cached
    for key in TABS:
        with django_assert_num_queries(TAB_QUERIES[key]):
            assert _hx(owner, f"/customers/{customer.pk}/tab/{key}/").status_code == 200, key
    _add_rows(customer, rm, approver, 10, 4)
    for key in TABS:
        with django_assert_num_queries(TAB_QUERIES[key]):
            response = _hx(owner, f"/customers/{customer.pk}/tab/{key}/")
        assert response.status_code == 200, key
