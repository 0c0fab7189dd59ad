"""Tests for customers.ratios (financial-statement ratios in API.md)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from customers.ratios import RATIO_NAMES, compute_ratios

D = Decimal

BASE = {
    "revenue": D("12000000.00"),
    "total_assets": D("50000000.00"),
    "total_liabilities": D("30000000.00"),
    "current_assets": D("18000000.00"),
    "current_liabilities": D("12000000.00"),
    "inventory": D("6000000.00"),
    "interest_expense": D("1500000.00"),
    "ebit": D("6000000.00"),
}


def ratios(**overrides: Decimal | int | None) -> dict[str, Decimal | None]:
    """compute_ratios over BASE with some inputs replaced."""
    return compute_ratios(**{**BASE, **overrides})


def test_known_figures() -> None:
    result = ratios(previous_revenue=D("10000000.00"))
    assert result == {
        "debt_to_asset": D("0.6000"),  # 30m / 50m
        "current_ratio": D("1.5000"),  # 18m / 12m
        "quick_ratio": D("1.0000"),  # (18m − 6m) / 12m
        "interest_coverage": D("4.0000"),  # 6m / 1.5m
        "revenue_growth": D("0.2000"),  # (12m − 10m) / 10m
    }
    assert tuple(result) == RATIO_NAMES


def test_results_have_exactly_four_decimals() -> None:
    result = ratios(previous_revenue=D("10000000.00"))
    assert all(str(value).split(".")[1].__len__() == 4 for value in result.values())


def test_rounding_is_half_up_to_four_decimals() -> None:
    result = ratios(
        total_liabilities=D("2"),
        total_assets=D("3"),  # 0.66666... -> 0.6667
        current_assets=D("1.00005"),
        current_liabilities=D("1"),  # 1.00005 -> 1.0001 (half-up, banker's would give 1.0000)
        inventory=D("0"),
        ebit=D("1"),
        interest_expense=D("8"),  # 0.125 exactly
    )
    assert result["debt_to_asset"] == D("0.6667")
    assert result["current_ratio"] == D("1.0001")
    assert result["quick_ratio"] == D("1.0001")
    assert result["interest_coverage"] == D("0.1250")


def test_revenue_decline_and_negative_values() -> None:
    result = ratios(revenue=D("7500000.00"), previous_revenue=D("10000000.00"), ebit=D("-300000"))
    assert result["revenue_growth"] == D("-0.2500")
    assert result["interest_coverage"] == D("-0.2000")


def test_revenue_growth_null_without_previous_period() -> None:
    assert ratios()["revenue_growth"] is None
    assert ratios(previous_revenue=None)["revenue_growth"] is None


@pytest.mark.parametrize(
    ("field", "nulls"),
    [
        ("total_assets", {"debt_to_asset"}),
        ("current_liabilities", {"current_ratio", "quick_ratio"}),
        ("interest_expense", {"interest_coverage"}),
        ("previous_revenue", {"revenue_growth"}),
    ],
)
def test_zero_denominator_gives_none(field: str, nulls: set[str]) -> None:
    overrides = {"previous_revenue": D("10000000.00"), field: D("0.00")}
    result = ratios(**overrides)
    assert {name for name, value in result.items() if value is None} == nulls


@pytest.mark.parametrize(
    ("field", "nulls"),
    [
        ("total_liabilities", {"debt_to_asset"}),
        ("inventory", {"quick_ratio"}),
        ("current_assets", {"current_ratio", "quick_ratio"}),
        ("ebit", {"interest_coverage"}),
        ("revenue", {"revenue_growth"}),
    ],
)
def test_missing_input_gives_none(field: str, nulls: set[str]) -> None:
    result = ratios(**{"previous_revenue": D("10000000.00"), field: None})
    assert {name for name, value in result.items() if value is None} == nulls


def test_zero_numerators_are_zero_not_none() -> None:
    result = ratios(total_liabilities=D("0"), ebit=D("0"), current_assets=D("0"), inventory=D("0"))
    assert result["debt_to_asset"] == D("0.0000")
    assert result["interest_coverage"] == D("0.0000")
    assert result["current_ratio"] == D("0.0000")
    assert result["quick_ratio"] == D("0.0000")


def test_huge_ratio_does_not_overflow_precision() -> None:
    result = ratios(ebit=D("999999999999999.99"), interest_expense=D("0.01"))
    assert result["interest_coverage"] == D("99999999999999999.0000")


def test_ints_are_accepted_and_floats_refused() -> None:
    assert compute_ratios(
        revenue=10,
        total_assets=4,
        total_liabilities=1,
        current_assets=3,
        current_liabilities=2,
        inventory=1,
        interest_expense=2,
        ebit=5,
        previous_revenue=8,
    )["revenue_growth"] == D("0.2500")
    with pytest.raises(TypeError):
        ratios(revenue=12000000.0)


def test_keyword_only() -> None:
    with pytest.raises(TypeError):
        compute_ratios(*BASE.values())  # type: ignore[misc]
