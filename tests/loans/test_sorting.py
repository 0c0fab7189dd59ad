"""Sortable column headers (crm_tables.sort_header) on the application list and in the API."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from tests.loans.conftest import make_application

D = Decimal


def _header(query: str, tag_args: str = '"amount" "Amount"', **context) -> str:
    request = RequestFactory().get(f"/loans/applications/{query}")
    template = Template("{% load crm_tables %}{% sort_header " + tag_args + " %}")
    return template.render(Context({"request": request, **context}))


def test_unsorted_column_links_ascending_and_keeps_filters_but_not_the_page():
    assert _header("?status=draft&q=hua&page=3") == (
        '<th scope="col" class="" aria-sort="none"><a class="sort-link position-relative '
        'link-body-emphasis text-decoration-none" '
        'href="?status=draft&amp;q=hua&amp;sort=amount">Amount</a></th>'
    )


def test_ascending_column_toggles_to_descending():
    html = _header("?sort=amount&status=draft")
    assert 'aria-sort="ascending"' in html
    assert 'href="?sort=-amount&amp;status=draft"' in html
    assert (
        '<span aria-hidden="true">▲</span><span class="visually-hidden">(sorted ascending)' in html
    )


def test_descending_column_toggles_to_ascending():
    html = _header("?sort=-amount")
    assert 'aria-sort="descending"' in html
    assert 'href="?sort=amount"' in html


def test_default_order_marks_its_column_and_other_columns_none():
    assert 'aria-sort="descending"' in _header("", '"created_at" "Created" default="-created_at"')
    assert 'aria-sort="none"' in _header("?sort=amount", '"created_at" "Created" default="-c"')


def test_label_from_a_variable_is_escaped():
    assert ">&lt;b&gt;</a>" in _header("", '"amount" label', label="<b>")


@pytest.fixture
def three(rm, customer):
    return [
        make_application(rm, customer, amount=D(amount)).pk
        for amount in ("2000000.00", "500000.00", "9000000.00")
    ]


def test_list_sorts_by_the_column_the_header_links_to(web_for, rm, three):
    client = web_for(rm)
    by_amount = client.get("/loans/applications/?sort=amount")
    assert [a.pk for a in by_amount.context["page"]] == [three[1], three[0], three[2]]
    assert b'aria-sort="ascending"><a class="sort-link' in by_amount.content
    descending = client.get("/loans/applications/?sort=-amount")
    assert [a.pk for a in descending.context["page"]] == [three[2], three[0], three[1]]
    newest_first = client.get("/loans/applications/")
    assert [a.pk for a in newest_first.context["page"]] == [three[2], three[1], three[0]]


def test_unknown_sort_falls_back_to_the_default_order(web_for, rm, three):
    response = web_for(rm).get("/loans/applications/?sort=password")
    assert response.status_code == 200
    assert [a.pk for a in response.context["page"]] == [three[2], three[1], three[0]]


def test_api_sorts_with_the_same_filterset(api_for, rm, three):
    body = api_for(rm).get("/api/v1/loan-applications/?sort=-amount").json()
    assert [row["id"] for row in body["results"]] == [three[2], three[0], three[1]]
    assert api_for(rm).get("/api/v1/loan-applications/?sort=password").status_code == 400
