"""Tests for loans.schedule against published mortgage figures and the API.md rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from loans.schedule import (
    CLASSIFICATION_ORDER,
    REPAYMENT_METHODS,
    Allocation,
    InstallmentBalance,
    OverpaymentError,
    ScheduledInstallment,
    add_months,
    allocate_repayment,
    classification_floor,
    days_past_due,
    generate_schedule,
    worse_of,
)

D = Decimal
MILLION = D("1000000.00")
RATE_49 = D("4.9000")
DISBURSED = date(2024, 1, 15)


def schedule(
    principal: Decimal = MILLION,
    rate: Decimal = RATE_49,
    term: int = 360,
    method: str = "equal_installment",
    disbursed_on: date = DISBURSED,
) -> list[ScheduledInstallment]:
    """Shorthand for generate_schedule with the usual 1,000,000 at 4.9 % loan."""
    return generate_schedule(
        principal=principal,
        annual_rate=rate,
        term_months=term,
        method=method,
        disbursed_on=disbursed_on,
    )


# --- add_months ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2024, 1, 15), 1, date(2024, 2, 15)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # leap year
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 1, 31), 2, date(2024, 3, 31)),  # from the start date, not from Feb 29
        (date(2024, 1, 31), 3, date(2024, 4, 30)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2024, 2, 29), 48, date(2028, 2, 29)),
        (date(2024, 11, 30), 3, date(2025, 2, 28)),
        (date(2024, 12, 15), 1, date(2025, 1, 15)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
        (date(2024, 5, 10), 0, date(2024, 5, 10)),
        (date(2024, 1, 15), 360, date(2054, 1, 15)),
    ],
)
def test_add_months(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_month_end_due_dates_are_not_chained() -> None:
    rows = schedule(term=6, disbursed_on=date(2024, 1, 31))
    assert [row.due_date for row in rows] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
        date(2024, 5, 31),
        date(2024, 6, 30),
        date(2024, 7, 31),
    ]


def test_due_dates_from_leap_day() -> None:
    rows = schedule(term=13, disbursed_on=date(2024, 2, 29))
    assert rows[0].due_date == date(2024, 3, 29)
    assert rows[11].due_date == date(2025, 2, 28)
    assert rows[12].due_date == date(2025, 3, 29)


# --- published figures --------------------------------------------------------------------
# 1,000,000 at 4.9 % (the 2015-2019 PBoC 5-year+ benchmark) is the standard example on Chinese
# mortgage calculators: 等额本息 30 years 5,307.27 / month, 20 years 6,544.44 / month;
# 等额本金 30 years first month 6,861.11 (2,777.78 principal + 4,083.33 interest).


def test_equal_installment_360_months_pays_published_5307_27() -> None:
    rows = schedule(term=360)
    assert len(rows) == 360
    assert {row.amount for row in rows[:-1]} == {D("5307.27")}
    assert rows[0].interest == D("4083.33")
    assert rows[0].principal == D("1223.94")


def test_equal_installment_240_months_pays_published_6544_44() -> None:
    rows = schedule(term=240)
    assert len(rows) == 240
    assert {row.amount for row in rows[:-1]} == {D("6544.44")}


def test_equal_installment_360_total_interest() -> None:
    # Calculators publish 910,616.19, which is the UNROUNDED payment 5,307.2672... × 360 − P.
    # Under the API rules (payment rounded to 5,307.27, interest rounded per period, last
    # installment absorbing the remainder) the total is 910,615.12, 1.07 lower: the published
    # figure does not match exactly, so this asserts what the contract's rules imply.
    rows = schedule(term=360)
    assert sum(row.interest for row in rows) == D("910615.12")
    assert rows[-1] == ScheduledInstallment(360, date(2054, 1, 15), D("5283.62"), D("21.57"))


def test_equal_installment_240_total_interest() -> None:
    # Published 570,665.72 is again unrounded payment × 240 − P; the rules give 570,665.67.
    rows = schedule(term=240)
    assert sum(row.interest for row in rows) == D("570665.67")


def test_equal_principal_360_first_payment_is_published_6861_11() -> None:
    rows = schedule(term=360, method="equal_principal")
    assert rows[0].principal == D("2777.78")
    assert rows[0].interest == D("4083.33")
    assert rows[0].amount == D("6861.11")
    # Second month: interest on 997,222.22 at 4.9 % / 12 = 4,071.99 (published 6,849.77).
    assert rows[1].amount == D("6849.77")
    assert all(row.principal == D("2777.78") for row in rows[:-1])
    # 2,777.78 × 359 = 997,223.02, so the last installment absorbs the rounding: 2,776.98.
    assert rows[-1].principal == MILLION - D("2777.78") * 359 == D("2776.98")


def test_equal_principal_360_total_interest() -> None:
    # Published total 737,041.67 = P·r·(n+1)/2 with exact P/n principals; rounding P/n up to
    # 2,777.78 repays slightly faster, so the rules give 737,041.08.
    rows = schedule(term=360, method="equal_principal")
    assert sum(row.interest for row in rows) == D("737041.08")


# --- other methods ------------------------------------------------------------------------


def test_interest_only() -> None:
    rows = schedule(principal=D("120000.00"), rate=D("6.0000"), term=12, method="interest_only")
    assert len(rows) == 12
    assert all(row.interest == D("600.00") for row in rows)  # 120,000 × 0.5 %
    assert all(row.principal == 0 for row in rows[:-1])
    assert rows[-1].principal == D("120000.00")
    assert rows[-1].amount == D("120600.00")
    assert rows[-1].due_date == date(2025, 1, 15)


def test_bullet_single_installment_at_maturity() -> None:
    rows = schedule(principal=MILLION, rate=RATE_49, term=12, method="bullet")
    assert rows == [ScheduledInstallment(1, date(2025, 1, 15), MILLION, D("49000.00"))]


def test_bullet_interest_rounds_once_half_up() -> None:
    # 10,000 × 4.35 % / 12 × 7 = 253.75 exactly; 12,345.67 × 3.85 % / 12 × 5 = 198.0451... -> 198.05
    assert schedule(principal=D("10000.00"), rate=D("4.3500"), term=7, method="bullet")[
        0
    ].interest == D("253.75")
    assert schedule(principal=D("12345.67"), rate=D("3.8500"), term=5, method="bullet")[
        0
    ].interest == D("198.05")


def test_interest_is_rounded_half_up() -> None:
    # 1,000 × 3 % / 12 = 2.5 exactly; 1,002 × 3 % / 12 = 2.505 -> 2.51 (half-up, not banker's 2.50).
    assert schedule(principal=D("1000.00"), rate=D("3.0000"), term=2, method="interest_only")[
        0
    ].interest == D("2.50")
    assert schedule(principal=D("1002.00"), rate=D("3.0000"), term=2, method="interest_only")[
        0
    ].interest == D("2.51")


@pytest.mark.parametrize("method", ["equal_installment", "equal_principal"])
def test_zero_rate(method: str) -> None:
    rows = schedule(principal=D("1000.00"), rate=D("0.0000"), term=3, method=method)
    assert [row.principal for row in rows] == [D("333.33"), D("333.33"), D("333.34")]
    assert all(row.interest == 0 for row in rows)


def test_zero_rate_bullet_and_interest_only() -> None:
    assert schedule(rate=D("0"), term=12, method="bullet")[0].interest == 0
    assert sum(row.interest for row in schedule(rate=D("0"), term=12, method="interest_only")) == 0


# --- invariants for awkward amounts -------------------------------------------------------


@pytest.mark.parametrize("method", REPAYMENT_METHODS)
@pytest.mark.parametrize(
    ("principal", "term", "rate"),
    [
        (D("100000.01"), 7, D("4.9000")),
        (D("333333.33"), 13, D("3.4500")),
        (D("1.00"), 3, D("4.9000")),
        (D("0.15"), 10, D("0.0000")),  # 0.02 × 9 > 0.15: later principals must clamp to 0
        (D("0.01"), 360, D("24.0000")),
        (D("999999999.99"), 360, D("23.9999")),
        (D("10000.00"), 1, D("12.0000")),
        (D("1000000000.00"), 180, D("0.0001")),
    ],
)
def test_principals_sum_exactly_to_p(
    principal: Decimal, term: int, rate: Decimal, method: str
) -> None:
    rows = schedule(principal=principal, rate=rate, term=term, method=method)
    expected_count = 1 if method == "bullet" else term
    assert [row.number for row in rows] == list(range(1, expected_count + 1))
    assert sum(row.principal for row in rows) == principal
    for row in rows:
        assert row.principal >= 0
        assert row.interest >= 0
        assert row.principal == row.principal.quantize(D("0.01"))
        assert row.interest == row.interest.quantize(D("0.01"))
        assert row.amount == row.principal + row.interest
    assert rows[-1].due_date == add_months(DISBURSED, term)


def test_equal_installment_awkward_amount_is_level_until_last() -> None:
    rows = schedule(principal=D("100000.01"), rate=D("4.9000"), term=7)
    # Checked with exact rational arithmetic (fractions.Fraction):
    # 100,000.01 × r(1+r)^7 / ((1+r)^7 − 1) = 14,519.99989... -> 14,520.00
    assert {row.amount for row in rows[:-1]} == {D("14520.00")}
    assert abs(rows[-1].amount - D("14520.00")) < D("0.10")


def test_single_month_equal_installment() -> None:
    rows = schedule(principal=D("10000.00"), rate=D("12.0000"), term=1)
    assert rows == [ScheduledInstallment(1, date(2024, 2, 15), D("10000.00"), D("100.00"))]


# --- invalid input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"principal": D("0.00")}, "principal must be greater than 0"),
        ({"principal": D("-5.00")}, "principal must be greater than 0"),
        ({"principal": D("100.001")}, "at most 2 decimal places"),
        ({"principal": D("NaN")}, "finite"),
        ({"rate": D("-0.0001")}, "annual_rate must be 0 or more"),
        ({"rate": D("Infinity")}, "finite"),
        ({"term": 0}, "term_months must be at least 1"),
        ({"term": -12}, "term_months must be at least 1"),
        ({"method": "annuity"}, "Unknown repayment method 'annuity'"),
        ({"method": ""}, "Unknown repayment method"),
    ],
)
def test_invalid_input_raises_value_error(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        schedule(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"principal": 1000.0},
        {"rate": 4.9},
        {"term": 12.0},
        {"term": True},
        {"disbursed_on": "2024-01-01"},
    ],
)
def test_wrong_types_raise_type_error(kwargs: dict) -> None:
    with pytest.raises(TypeError):
        schedule(**kwargs)


def test_generate_schedule_is_keyword_only() -> None:
    with pytest.raises(TypeError):
        generate_schedule(MILLION, RATE_49, 12, "bullet", DISBURSED)  # type: ignore[misc]


# --- days past due and classification floor -----------------------------------------------

DUE = date(2024, 3, 31)


@pytest.mark.parametrize(
    ("days", "floor"),
    [
        (0, "normal"),
        (1, "special_mention"),
        (90, "special_mention"),
        (91, "substandard"),
        (270, "substandard"),
        (271, "doubtful"),
        (360, "doubtful"),
        (361, "loss"),
        (1000, "loss"),
    ],
)
def test_dpd_and_floor(days: int, floor: str) -> None:
    dpd = days_past_due(as_of=DUE + timedelta(days=days), oldest_unpaid_due_date=DUE)
    assert dpd == days
    assert classification_floor(dpd) == floor


def test_dpd_before_due_date_is_zero() -> None:
    assert days_past_due(as_of=DUE - timedelta(days=5), oldest_unpaid_due_date=DUE) == 0


def test_dpd_with_nothing_unpaid_is_zero() -> None:
    assert days_past_due(as_of=DUE, oldest_unpaid_due_date=None) == 0


def test_dpd_crosses_leap_day() -> None:
    assert days_past_due(as_of=date(2024, 3, 1), oldest_unpaid_due_date=date(2024, 2, 28)) == 2


def test_floor_rejects_negative() -> None:
    with pytest.raises(ValueError, match="cannot be negative"):
        classification_floor(-1)


def test_classification_order_and_worse_of() -> None:
    assert CLASSIFICATION_ORDER == ("normal", "special_mention", "substandard", "doubtful", "loss")
    assert worse_of("normal", "substandard") == "substandard"
    assert worse_of("loss", "doubtful") == "loss"
    assert worse_of("special_mention", "special_mention") == "special_mention"
    # A manual classification can be worse than the floor, never better.
    assert worse_of("doubtful", classification_floor(95)) == "doubtful"
    assert worse_of("normal", classification_floor(95)) == "substandard"
    with pytest.raises(ValueError, match="Unknown classification"):
        worse_of("normal", "bad")


# --- repayment allocation -----------------------------------------------------------------


def balances() -> list[InstallmentBalance]:
    """Three installments of 100 interest + 900 principal; the first partly paid (interest)."""
    return [
        InstallmentBalance(3, D("100.00"), D("900.00")),
        InstallmentBalance(1, D("100.00"), D("900.00"), D("100.00"), D("0.00")),
        InstallmentBalance(2, D("100.00"), D("900.00")),
    ]


def test_partial_repayment_pays_interest_before_principal() -> None:
    plain = [InstallmentBalance(1, D("100.00"), D("900.00"))]
    assert allocate_repayment(installments=plain, amount=D("150.00")) == [
        Allocation(1, D("100.00"), D("50.00"))
    ]
    assert allocate_repayment(installments=plain, amount=D("60.00")) == [
        Allocation(1, D("60.00"), D("0.00"))
    ]


def test_exact_payment_of_oldest_installment() -> None:
    result = allocate_repayment(installments=balances(), amount=D("900.00"))
    assert result == [Allocation(1, D("0.00"), D("900.00"))]
    assert result[0].amount == D("900.00")


def test_repayment_spans_installments_oldest_first() -> None:
    result = allocate_repayment(installments=balances(), amount=D("1950.00"))
    assert result == [
        Allocation(1, D("0.00"), D("900.00")),
        Allocation(2, D("100.00"), D("900.00")),
        Allocation(3, D("50.00"), D("0.00")),
    ]
    assert sum(item.amount for item in result) == D("1950.00")


def test_fully_paid_installments_are_skipped() -> None:
    rows = [
        InstallmentBalance(1, D("10.00"), D("90.00"), D("10.00"), D("90.00")),
        InstallmentBalance(2, D("10.00"), D("90.00"), D("0.00"), D("0.00")),
    ]
    assert allocate_repayment(installments=rows, amount=D("20.00")) == [
        Allocation(2, D("10.00"), D("10.00"))
    ]


def test_paying_everything_is_allowed() -> None:
    result = allocate_repayment(installments=balances(), amount=D("2900.00"))
    assert [item.amount for item in result] == [D("900.00"), D("1000.00"), D("1000.00")]


def test_overpayment_raises() -> None:
    with pytest.raises(OverpaymentError, match="exceeds the total outstanding of 2900.00") as info:
        allocate_repayment(installments=balances(), amount=D("2900.01"))
    assert isinstance(info.value, ValueError)
    assert info.value.outstanding == D("2900.00")


def test_payment_on_a_settled_loan_is_overpayment() -> None:
    rows = [InstallmentBalance(1, D("1.00"), D("1.00"), D("1.00"), D("1.00"))]
    with pytest.raises(OverpaymentError):
        allocate_repayment(installments=rows, amount=D("0.01"))


@pytest.mark.parametrize("amount", [D("0"), D("-1.00"), D("0.001")])
def test_non_positive_or_sub_cent_amount_raises(amount: Decimal) -> None:
    with pytest.raises(ValueError, match="greater than 0|at most 2 decimal places") as info:
        allocate_repayment(installments=balances(), amount=amount)
    assert not isinstance(info.value, OverpaymentError)


def test_inconsistent_balances_raise() -> None:
    with pytest.raises(ValueError, match="paid more than is due"):
        allocate_repayment(
            installments=[InstallmentBalance(1, D("1.00"), D("1.00"), D("2.00"))],
            amount=D("1.00"),
        )
    with pytest.raises(ValueError, match="more than once"):
        allocate_repayment(
            installments=[
                InstallmentBalance(1, D("1.00"), D("1.00")),
                InstallmentBalance(1, D("1.00"), D("1.00")),
            ],
            amount=D("1.00"),
        )


def test_allocation_of_a_generated_schedule() -> None:
    rows = schedule(term=360)
    open_rows = [InstallmentBalance(r.number, r.interest, r.principal) for r in rows]
    result = allocate_repayment(installments=open_rows, amount=D("10614.54"))  # two payments
    assert result == [
        Allocation(1, D("4083.33"), D("1223.94")),
        Allocation(2, rows[1].interest, rows[1].principal),
    ]
