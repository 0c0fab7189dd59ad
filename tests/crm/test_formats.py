"""Money and dates per language: one `money` filter, the formats of crm/formats/."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from crm.templatetags.crm_format import money
from tests.factories import CustomerFactory

D = Decimal


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        (D("1234567.89"), "", "1,234,567.89"),
        (D("1234567.89"), "¥", "¥1,234,567.89"),
        (D("5"), "", "5.00"),
        (D("0"), "¥", "¥0.00"),
        (D("999.995"), "", "1,000.00"),  # half-up to cents
        (D("-1234.5"), "¥", "-¥1,234.50"),
        # beyond float precision: a float would print 12,345,678,901,234,567.00
        (D("12345678901234567.89"), "", "12,345,678,901,234,567.89"),
        (1500, "", "1,500.00"),
        (None, "¥", "—"),
        ("", "", "—"),
        ("not a number", "", "—"),
    ],
)
def test_money_groups_by_three_with_two_decimals_in_both_languages(
    language, value, currency, expected
):
    with translation.override(language):
        assert money(value, currency) == expected


def test_money_in_a_template():
    html = Template('{% load crm_format %}{{ a|money }} {{ a|money:"¥" }}').render(
        Context({"a": D("8000000.00")})
    )
    assert html == "8,000,000.00 ¥8,000,000.00"


@pytest.mark.parametrize(
    ("language", "short", "long", "short_datetime"),
    [
        ("en", "2026-11-23", "23 Nov 2026", "2026-11-23 09:05"),
        ("zh-hans", "2026-11-23", "2026年11月23日", "2026-11-23 09:05"),
    ],
)
def test_dates_use_the_languages_formats(language, short, long, short_datetime):
    # 01:05 UTC is 09:05 in Asia/Shanghai, the business time zone.
    template = Template(
        '{{ d|date:"SHORT_DATE_FORMAT" }}|{{ d|date }}|{{ t|date:"SHORT_DATETIME_FORMAT" }}'
    )
    with translation.override(language):
        html = template.render(
            Context({"d": date(2026, 11, 23), "t": datetime(2026, 11, 23, 1, 5, tzinfo=UTC)})
        )
    assert html == f"{short}|{long}|{short_datetime}"


def test_plain_numbers_are_not_grouped():
    # USE_THOUSAND_SEPARATOR stays off: ids, years and counts print as they are.
    with translation.override("zh-hans"):
        assert Template("{{ n }}").render(Context({"n": 20261123})) == "20261123"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "label"), [("en", "Registered capital"), ("zh-hans", "注册资本")]
)
def test_customer_page_shows_money_formatted_in_both_languages(web_for, rm, language, label):
    customer = CustomerFactory(relationship_manager=rm, registered_capital=D("50000000.00"))

    html = (
        web_for(rm)
        .get(f"/customers/{customer.pk}/", HTTP_ACCEPT_LANGUAGE=language)
        .content.decode()
    )

    assert f'<html lang="{language}">' in html
    assert label in html
    assert "¥50,000,000.00" in html
    assert 'data-testid="fact-exposure">¥0.00</dd>' in html
