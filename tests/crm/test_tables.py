"""List tables site-wide: whitelisted sort keys through one header tag, unknown keys fall back."""

import re
from decimal import Decimal

import pytest
from django.http import QueryDict

from crm.tables import valid_sort
from customers.filters import CustomerFilter
from loans.filters import LoanFilter
from tests.factories import AlertFactory, CustomerFactory, make_interaction, make_service_request
from tests.loans.conftest import disbursed_loan

D = Decimal


def test_valid_sort_keeps_listed_keys_and_drops_others():
    assert valid_sort(QueryDict("sort=-name&q=x"), CustomerFilter).urlencode() == "sort=-name&q=x"
    assert valid_sort(QueryDict("sort=password&q=x"), CustomerFilter).urlencode() == "q=x"
    assert valid_sort(QueryDict("sort=name,-bogus"), CustomerFilter).urlencode() == ""
    assert valid_sort(QueryDict("ordering=-principal"), LoanFilter)["ordering"] == "-principal"
    assert "ordering" not in valid_sort(QueryDict("ordering=customer__password"), LoanFilter)


# (path, sort parameter, every key the headers link to, a marker of the rows)
LISTS = [
    (
        "/customers/",
        "sort",
        ["name", "uscc", "tier", "lifecycle_stage", "risk_level", "relationship_manager"],
        "Sortable Co",
    ),
    (
        "/loans/",
        "ordering",
        ["id", "customer", "principal", "outstanding_principal", "days_past_due", "maturity_date"],
        "Sortable Co",
    ),
    ("/loans/applications/", "sort", ["id", "customer", "amount", "status"], "Sortable Co"),
    ("/risk/alerts/", "ordering", ["severity", "customer", "rule", "raised_on"], "Sortable Co"),
    (
        "/interactions/service-requests/",
        "ordering",
        ["id", "customer", "kind", "urgency", "status", "reply_due_at", "received_at"],
        "Sortable Co",
    ),
    (
        "/interactions/",
        "ordering",
        ["occurred_at", "customer", "channel", "purpose"],
        "Sortable Co",
    ),
    ("/interactions/tasks/", "ordering", ["due_date", "customer", "owner", "status"], None),
]


@pytest.fixture
def rows(rm, approver):
    customer = CustomerFactory(relationship_manager=rm, name="Sortable Co")
    disbursed_loan(rm, approver, customer, amount=D("2500000.00"))
    AlertFactory(customer=customer)
    make_service_request(customer)
    make_interaction(customer, summary="Called the CFO")
    return customer


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "param", "keys", "marker"), LISTS)
def test_every_column_sorts_both_ways_and_unknown_keys_fall_back(
    web_for, rm, rows, path, param, keys, marker
):
    client = web_for(rm)
    for key in keys:
        for value, state in ((key, "ascending"), (f"-{key}", "descending")):
            response = client.get(path, {param: value})
            html = response.content.decode()
            assert response.status_code == 200, (path, value)
            assert re.search(rf'aria-sort="{state}"><a [^>]*href="\?[^"]*{param}=', html), value
            if marker:
                assert marker in html, (path, value)
    fallback = client.get(path, {param: "password"})
    assert fallback.status_code == 200
    assert 'aria-sort="ascending"' not in fallback.content.decode() or path == "/customers/"
    if marker:
        assert marker in fallback.content.decode(), path


@pytest.mark.django_db
def test_notifications_sort_by_kind_customer_and_date(web_for, rm):
    client = web_for(rm)
    for value in ("kind", "-kind", "customer", "-customer", "created_at", "-created_at", "x"):
        assert client.get("/notifications/", {"sort": value}).status_code == 200
    html = client.get("/notifications/", {"sort": "kind"}).content.decode()
    assert 'aria-sort="ascending"><a' in html or 'data-testid="empty-state"' in html


# --- the loans list ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_loan_list_is_scoped_filtered_and_formats_money(web_for, rm, rm_other_team, approver):
    from loans.models import Loan

    mine = CustomerFactory(relationship_manager=rm, name="Mine Co")
    theirs = CustomerFactory(relationship_manager=rm_other_team, name="Theirs Co")
    loan = disbursed_loan(rm, approver, mine, amount=D("1234567.89"))
    disbursed_loan(rm_other_team, approver, theirs)
    Loan.objects.filter(pk=loan.pk).update(days_past_due=12, classification="special_mention")
    client = web_for(rm)

    html = client.get("/loans/").content.decode()
    overdue = client.get("/loans/", {"overdue": "true"}).content.decode()
    current = client.get("/loans/", {"overdue": "false"}).content.decode()

    assert "Mine Co" in html
    assert "Theirs Co" not in html
    assert '<td class="money">1,234,567.89</td>' in html
    assert "Mine Co" in overdue
    assert "Mine Co" not in current
    assert 'data-testid="empty-state"' in current


@pytest.mark.django_db
def test_loan_list_paginates_and_shows_the_empty_state(web_for, rm, approver):
    assert 'data-testid="empty-state"' in web_for(rm).get("/loans/").content.decode()
    customer = CustomerFactory(relationship_manager=rm)
    for _ in range(26):
        disbursed_loan(rm, approver, customer, amount=D("100000.00"))

    first = web_for(rm).get("/loans/").content.decode()
    second = web_for(rm).get("/loans/", {"page": 2}).content.decode()

    assert first.count('<td class="money">100,000.00</td>') == 25 * 2
    assert second.count('<td class="money">100,000.00</td>') == 1 * 2
    assert "Page 1 of 2" in first


@pytest.mark.django_db
def test_loan_list_query_count_is_independent_of_rows(
    web_for, rm, approver, django_assert_num_queries
):
    from crm.models import User

    customer = CustomerFactory(relationship_manager=rm)
    disbursed_loan(rm, approver, customer)
    client = web_for(User.objects.get(pk=rm.pk))
    client.get("/loans/")
    with django_assert_num_queries(LOAN_LIST_QUERIES):
        client.get("/loans/")
    for _ in range(3):
        disbursed_loan(rm, approver, customer)
    with django_assert_num_queries(LOAN_LIST_QUERIES):
        client.get("/loans/")


# Session, user, roles, count, the page of loans (customer, RM and product joined); the session
# is not written (crm/sessions.py refreshes it at most once a minute).
LOAN_LIST_QUERIES = 5


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/loans/", "/loans/applications/"])
def test_the_loans_menu_item_is_current_on_loans_and_applications(web_for, rm, path):
    html = web_for(rm).get(path).content.decode()

    assert re.search(r'<a class="nav-link active" href="/loans/"\s+aria-current="page">', html)
    assert html.count('aria-current="page"') == 1
