"""Repayment schedules, days past due, classification floors and repayment allocation.

Pure Python (no Django) so the rules in API.md "Loan applications and loans" can be tested
without a database. All money is ``Decimal``; rounding is ROUND_HALF_UP to cents and happens
only where the contract says so (per-period interest, the level payment, P / n, bullet
interest), never on intermediate values such as the monthly rate.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

__all__ = [
    "CLASSIFICATION_ORDER",
    "REPAYMENT_METHODS",
    "Allocation",
    "InstallmentBalance",
    "OverpaymentError",
    "ScheduledInstallment",
    "add_months",
    "allocate_repayment",
    "classification_floor",
    "days_past_due",
    "generate_schedule",
    "worse_of",
]

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

# (1+r)^n for n up to 360 needs far more than the default 28 significant digits to keep the
# level payment exact to the cent before the single rounding step.
_PRECISION = 40

EQUAL_INSTALLMENT = "equal_installment"
EQUAL_PRINCIPAL = "equal_principal"
INTEREST_ONLY = "interest_only"
BULLET = "bullet"
REPAYMENT_METHODS: tuple[str, ...] = (EQUAL_INSTALLMENT, EQUAL_PRINCIPAL, INTEREST_ONLY, BULLET)

NORMAL = "normal"
SPECIAL_MENTION = "special_mention"
SUBSTANDARD = "substandard"
DOUBTFUL = "doubtful"
LOSS = "loss"
# Best to worst; the index is the severity used by worse_of().
CLASSIFICATION_ORDER: tuple[str, ...] = (NORMAL, SPECIAL_MENTION, SUBSTANDARD, DOUBTFUL, LOSS)


def _round_cents(value: Decimal) -> Decimal:
    """Round a Decimal to cents, half-up (the contract's only rounding mode)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _require_decimal(value: object, name: str) -> Decimal:
    """Return value as a finite Decimal; floats are refused because they cannot hold cents."""
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal (or int), not {type(value).__name__}.")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number, got {value}.")
    return result


def _require_cents(value: Decimal, name: str) -> None:
    """Refuse amounts with fractions of a cent: they could never be repaid exactly."""
    if value != value.quantize(CENT):
        raise ValueError(f"{name} must have at most 2 decimal places, got {value}.")


def add_months(d: date, months: int) -> date:
    """Return d shifted by months, clamped to the target month's last day when needed."""
    if isinstance(months, bool) or not isinstance(months, int):
        raise TypeError(f"months must be an int, not {type(months).__name__}.")
    month_index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError(f"{d.isoformat()} + {months} months is outside the supported dates.")
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


@dataclass(frozen=True)
class ScheduledInstallment:
    """One line of a repayment schedule as generated at disbursement."""

    number: int
    due_date: date
    principal: Decimal
    interest: Decimal

    @property
    def amount(self) -> Decimal:
        """Total due for this installment (principal + interest)."""
        return self.principal + self.interest


def generate_schedule(
    *,
    principal: Decimal,
    annual_rate: Decimal,
    term_months: int,
    method: str,
    disbursed_on: date,
) -> list[ScheduledInstallment]:
    """Build the installment list for a loan following API.md "Schedule rules (v1)"."""
    principal = _require_decimal(principal, "principal")
    annual_rate = _require_decimal(annual_rate, "annual_rate")
    if principal <= 0:
        raise ValueError(f"principal must be greater than 0, got {principal}.")
    _require_cents(principal, "principal")
    if annual_rate < 0:
        raise ValueError(f"annual_rate must be 0 or more, got {annual_rate}.")
    if isinstance(term_months, bool) or not isinstance(term_months, int):
        raise TypeError(f"term_months must be an int, not {type(term_months).__name__}.")
    if term_months < 1:
        raise ValueError(f"term_months must be at least 1, got {term_months}.")
    if method not in REPAYMENT_METHODS:
        raise ValueError(
            f"Unknown repayment method {method!r}; expected one of {', '.join(REPAYMENT_METHODS)}."
        )
    if not isinstance(disbursed_on, date):
        raise TypeError(f"disbursed_on must be a date, not {type(disbursed_on).__name__}.")

    with localcontext() as ctx:
        ctx.prec = _PRECISION
        # annual_rate is a percentage (4.9000 = 4.9 % p.a.); r keeps full precision because
        # rounding it would shift every period's interest by a systematic amount.
        r = annual_rate / Decimal(100) / Decimal(12)
        n = term_months

        if method == BULLET:
            # Simple interest for the whole term, rounded once, paid with the principal.
            interest = _round_cents(principal * r * n)
            return [ScheduledInstallment(1, add_months(disbursed_on, n), principal, interest)]

        if method == EQUAL_INSTALLMENT:
            if r == 0:
                payment = _round_cents(principal / n)
            else:
                growth = (1 + r) ** n
                payment = _round_cents(principal * r * growth / (growth - 1))
        elif method == EQUAL_PRINCIPAL:
            principal_part = _round_cents(principal / n)

        installments: list[ScheduledInstallment] = []
        outstanding = principal
        for k in range(1, n + 1):
            # Interest accrues on the balance outstanding during the period, rounded per period
            # so each installment is an exact cent amount the borrower can pay.
            interest = _round_cents(outstanding * r)
            if k == n:
                # The last installment absorbs all earlier rounding so principals sum to P.
                repaid = outstanding
            elif method == EQUAL_INSTALLMENT:
                repaid = payment - interest
            elif method == EQUAL_PRINCIPAL:
                repaid = principal_part
            else:  # INTEREST_ONLY
                repaid = ZERO
            # Only reachable for a few cents over many months (e.g. 0.15 over 10 months, where
            # 0.02 × 9 > 0.15): never repay more than is owed, nor a negative amount.
            repaid = min(max(repaid, ZERO), outstanding)
            installments.append(
                ScheduledInstallment(k, add_months(disbursed_on, k), repaid, interest)
            )
            outstanding -= repaid
        return installments


def days_past_due(*, as_of: date, oldest_unpaid_due_date: date | None) -> int:
    """Return days between the oldest unpaid due date and as_of, never below 0."""
    if oldest_unpaid_due_date is None:
        return 0
    return max(0, (as_of - oldest_unpaid_due_date).days)


def classification_floor(days_past_due: int) -> str:
    """Return the least severe classification allowed for this many days past due (2023 rules)."""
    if isinstance(days_past_due, bool) or not isinstance(days_past_due, int):
        raise TypeError(f"days_past_due must be an int, not {type(days_past_due).__name__}.")
    if days_past_due < 0:
        raise ValueError(f"days_past_due cannot be negative, got {days_past_due}.")
    # "More than N days" in 商业银行金融资产风险分类办法 is strict: exactly 90 days is still 关注.
    if days_past_due > 360:
        return LOSS
    if days_past_due > 270:
        return DOUBTFUL
    if days_past_due > 90:
        return SUBSTANDARD
    if days_past_due >= 1:
        return SPECIAL_MENTION
    return NORMAL


def worse_of(a: str, b: str) -> str:
    """Return the more severe of two classifications."""
    for value in (a, b):
        if value not in CLASSIFICATION_ORDER:
            raise ValueError(
                f"Unknown classification {value!r}; expected one of "
                f"{', '.join(CLASSIFICATION_ORDER)}."
            )
    return a if CLASSIFICATION_ORDER.index(a) >= CLASSIFICATION_ORDER.index(b) else b


class OverpaymentError(ValueError):
    """Raised when a repayment is larger than everything still owed on the loan."""

    def __init__(self, amount: Decimal, outstanding: Decimal) -> None:
        self.amount = amount
        self.outstanding = outstanding
        super().__init__(f"Repayment of {amount} exceeds the total outstanding of {outstanding}.")


@dataclass(frozen=True)
class InstallmentBalance:
    """What is due and already paid on one installment, the input to allocate_repayment."""

    number: int
    interest_due: Decimal
    principal_due: Decimal
    interest_paid: Decimal = ZERO
    principal_paid: Decimal = ZERO

    @property
    def interest_outstanding(self) -> Decimal:
        """Interest still owed on this installment."""
        return self.interest_due - self.interest_paid

    @property
    def principal_outstanding(self) -> Decimal:
        """Principal still owed on this installment."""
        return self.principal_due - self.principal_paid

    @property
    def outstanding(self) -> Decimal:
        """Everything still owed on this installment."""
        return self.interest_outstanding + self.principal_outstanding


@dataclass(frozen=True)
class Allocation:
    """The part of one repayment applied to one installment."""

    number: int
    interest: Decimal
    principal: Decimal

    @property
    def amount(self) -> Decimal:
        """Total applied to this installment."""
        return self.interest + self.principal


def _checked_balances(installments: Iterable[InstallmentBalance]) -> list[InstallmentBalance]:
    """Validate balances and return them oldest first."""
    ordered = sorted(installments, key=lambda item: item.number)
    seen: set[int] = set()
    for item in ordered:
        if item.number in seen:
            raise ValueError(f"Installment number {item.number} appears more than once.")
        seen.add(item.number)
        for field in ("interest_due", "principal_due", "interest_paid", "principal_paid"):
            value = _require_decimal(getattr(item, field), f"installment {item.number} {field}")
            if value < 0:
                raise ValueError(f"Installment {item.number} {field} cannot be negative.")
        if item.interest_outstanding < 0 or item.principal_outstanding < 0:
            raise ValueError(f"Installment {item.number} has been paid more than is due.")
    return ordered


def allocate_repayment(
    *, installments: list[InstallmentBalance], amount: Decimal
) -> list[Allocation]:
    """Split a repayment over installments, oldest first and interest before principal."""
    amount = _require_decimal(amount, "amount")
    if amount <= 0:
        raise ValueError(f"Repayment amount must be greater than 0, got {amount}.")
    _require_cents(amount, "amount")
    ordered = _checked_balances(installments)
    total_outstanding = sum((item.outstanding for item in ordered), ZERO)
    if amount > total_outstanding:
        raise OverpaymentError(amount, total_outstanding)

    allocations: list[Allocation] = []
    remaining = amount
    for item in ordered:
        if remaining == 0:
            break
        if item.outstanding == 0:
            continue
        # Interest first: this is the order banks apply repayments in (and what API.md
        # requires), so unpaid interest never lingers behind repaid principal.
        to_interest = min(remaining, item.interest_outstanding)
        remaining -= to_interest
        to_principal = min(remaining, item.principal_outstanding)
        remaining -= to_principal
        allocations.append(Allocation(item.number, to_interest, to_principal))
    return allocations
