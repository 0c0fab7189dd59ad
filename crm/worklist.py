"""The worklist (`/`): the relationship manager's day as one list ranked by urgency.

Apps contribute rows through `crm.registry.worklist_source` (in `<app>/worklist.py`): a function
`source(scope) -> SourceRows` returning its most urgent rows, already scoped and limited. This
module merges them, ranks them by one explicit urgency score and groups them in three bands.

The urgency score
-----------------
    score = band + weight(kind) + timing

- **band**: 1000 when the item is past its deadline ("Overdue"), 500 when it is due today
  (or waits for a decision now: an alert to acknowledge, an application to approve or rework),
  0 when it is due later this week or is routine care (contact cadence, visits, birthdays).
- **weight** (0-300) says what is at stake, most first: a repayment (money; it drives the
  five-tier classification) 300, a red alert 280, a complaint's SLA (a regulatory 24 h / 48 h
  commitment) 250, an application waiting for an approver 220, an orange alert 200, an application
  returned to its maker 200, a follow-up 150, a yellow alert 120, a visit 100, a contact past its
  interval 80, a birthday 50 (`WEIGHTS` below).
- **timing** (0-100): past a deadline (or waiting for the user since a moment), one point a
  day (capped at 100), so the longer something has waited the higher it goes; ahead of a
  deadline, 10 points a day sooner (due today 70, tomorrow 60, in 7 days 0).

Weight plus timing never reach 500, so the bands never interleave: everything overdue ranks above
everything due today, which ranks above the rest of the week, and within a band what is at stake
and how late it is decide. Ties go to the earlier due date, then the title.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

OVERDUE = "overdue"
TODAY = "today"
WEEK = "week"

BAND_FLOOR = {OVERDUE: 1000, TODAY: 500, WEEK: 0}
BAND_LABELS = {
    OVERDUE: _("Overdue or breached"),
    TODAY: _("Today"),
    WEEK: _("This week"),
}

WEIGHTS = {
    "repayment": 300,
    "alert_red": 280,
    "sla": 250,
    "approval": 220,
    "alert_orange": 200,
    "returned": 200,
    "task": 150,
    "alert_yellow": 120,
    "visit": 100,
    "contact": 80,
    "birthday": 50,
}

LATENESS_CAP = 100  # points; one per day late
HORIZON_DAYS = 7  # "this week": items due within seven days


def urgency(
    *, band: str, weight: str, days: int | None = None, days_late: int | None = None
) -> int:
    """The urgency score of one item (see the module docstring).

    Give `days` for an item with a deadline (negative: days late, 0: due today, positive: days
    ahead) or `days_late` for one that has been waiting since a moment (days waited).
    """
    if days is not None:
        days_late = -days if days < 0 else None
    if days_late is not None:
        timing = min(max(days_late, 0), LATENESS_CAP)
    elif days is not None:
        timing = max(HORIZON_DAYS - days, 0) * 10
    else:
        timing = 0
    return BAND_FLOOR[band] + WEIGHTS[weight] + timing


def band_for(due: date, today: date) -> str:
    """The band of an item with a due date: overdue before today, today, or this week."""
    if due < today:
        return OVERDUE
    if due == today:
        return TODAY
    return WEEK


def label_of(choices, value) -> str:
    """The label of `value` in a TextChoices enum (the value itself if unknown).

    Faster than `instance.get_FOO_display()`, which rebuilds its choices dict on every call:
    a list of 100 rows noticed.
    """
    try:
        return choices(value).label
    except ValueError:
        return value


def format_money(amount: Decimal | None) -> str:
    """`CNY 1,234,567.00`: two decimals, rounded half-up once, thousand separators."""
    if amount is None:
        return ""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"CNY {value:,.2f}"


@dataclass(frozen=True)
class WorklistScope:
    """Whose day the worklist shows.

    `user` is the viewer: every source starts from `visible_to(user)`. A team lead may narrow
    the list to one of their relationship managers (`relationship_manager`); None is everybody
    the viewer sees.
    """

    user: Any
    today: date
    now: datetime
    relationship_manager: Any = None
    show_owner: bool = False  # a lead's list names each row's RM
    # What one app's sources and panels share within the request (e.g. one query for both).
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    def customer_filter(self, path: str = "customer__relationship_manager") -> dict:
        """The lookup narrowing customer-owned rows to the chosen RM (empty for everybody)."""
        if self.relationship_manager is None:
            return {}
        return {path: self.relationship_manager}


@dataclass(frozen=True)
class WorklistItem:
    """One row: what it is, why it is on the list, where to act, and how urgent it is."""

    key: str  # unique on the page, e.g. "alert-12"
    kind: str  # the source's kind, e.g. "repayment", "alert", "task"
    kind_label: Any
    title: str
    reason: str  # why it is here: "Overdue 12 days · CNY 1,234,567.00"
    url: str  # where the action is
    band: str
    score: int
    due: date | None = None
    customer_name: str = ""
    owner_name: str = ""
    tone: str = ""  # the kind badge's Bootstrap colour: "danger" for a red alert, ...
    action_template: str = ""  # an inline action (a form), rendered in the row
    action: dict = field(default_factory=dict)  # what the action template needs


@dataclass(frozen=True)
class SourceRows:
    """What one source contributes: its most urgent rows, and whether it left some out."""

    items: list
    more: bool = False
    more_url: str = ""


def rank(items):
    """The items most urgent first (score, then earlier due date, then title)."""
    return sorted(
        items,
        key=lambda item: (-item.score, item.due or date.max, item.title, item.key),
    )


def group_by_band(items):
    """Ranked items in their bands, in band order; empty bands are left out."""
    bands = []
    for band in (OVERDUE, TODAY, WEEK):
        rows = [item for item in items if item.band == band]
        if rows:
            bands.append({"key": band, "label": BAND_LABELS[band], "items": rows})
    return bands
