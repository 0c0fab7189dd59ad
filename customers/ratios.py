"""Financial-statement ratios as defined in API.md "Customers" (financial statements).

Pure Python (no Django). Every ratio is a Decimal quantized to 4 decimals half-up, the precision
the API publishes, or None when an input is missing or its denominator is zero.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = ["RATIO_NAMES", "compute_ratios"]

RATIO_QUANTUM = Decimal("0.0001")
RATIO_NAMES: tuple[str, ...] = (
    "debt_to_asset",
    "current_ratio",
    "quick_ratio",
    "interest_coverage",
    "revenue_growth",
)
# Statement figures can run to 1e12 and a ratio over a tiny denominator far beyond that;
# quantizing to 4 decimals must not overflow the default 28-digit context.
_PRECISION = 60

Number = Decimal | int | None


def _as_decimal(value: Number, name: str) -> Decimal | None:
    """Return value as a Decimal (None stays None); floats are refused as inexact."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal, int or None, not {type(value).__name__}.")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return result


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    """Divide and round once to 4 decimals, or None when undefined."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        return (numerator / denominator).quantize(RATIO_QUANTUM, rounding=ROUND_HALF_UP)


def compute_ratios(
    *,
    revenue: Number,
    total_assets: Number,
    total_liabilities: Number,
    current_assets: Number,
    current_liabilities: Number,
    inventory: Number,
    interest_expense: Number,
    ebit: Number,
    previous_revenue: Number = None,
) -> dict[str, Decimal | None]:
    """Return debt_to_asset, current_ratio, quick_ratio, interest_coverage and revenue_growth."""
    revenue_d = _as_decimal(revenue, "revenue")
    total_assets_d = _as_decimal(total_assets, "total_assets")
    total_liabilities_d = _as_decimal(total_liabilities, "total_liabilities")
    current_assets_d = _as_decimal(current_assets, "current_assets")
    current_liabilities_d = _as_decimal(current_liabilities, "current_liabilities")
    inventory_d = _as_decimal(inventory, "inventory")
    interest_expense_d = _as_decimal(interest_expense, "interest_expense")
    ebit_d = _as_decimal(ebit, "ebit")
    previous_revenue_d = _as_decimal(previous_revenue, "previous_revenue")

    quick_assets = (
        None if current_assets_d is None or inventory_d is None else current_assets_d - inventory_d
    )
    revenue_change = (
        None if revenue_d is None or previous_revenue_d is None else revenue_d - previous_revenue_d
    )
    return {
        "debt_to_asset": _ratio(total_liabilities_d, total_assets_d),
        "current_ratio": _ratio(current_assets_d, current_liabilities_d),
        "quick_ratio": _ratio(quick_assets, current_liabilities_d),
        "interest_coverage": _ratio(ebit_d, interest_expense_d),
        # Growth is measured against the previous period's revenue as reported (a negative
        # base is passed through as-is rather than guessed at); no previous period gives None.
        "revenue_growth": _ratio(revenue_change, previous_revenue_d),
    }
