"""Service-level clocks of DOMAIN.md §7: when first handling and the reply are due, and breaches.

Pure functions over datetimes so the clock rules are tested without a database.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class SlaTargets:
    """Hours allowed for first handling and for the reply, plus the urgent first handling."""

    first_handling_hours: int
    reply_hours: int
    urgent_first_handling_hours: int


# Used when an admin deleted a kind's row: the complaint targets of [003 §6.3].
DEFAULT_TARGETS = SlaTargets(24, 48, 2)


@dataclass(frozen=True)
class SlaDue:
    """The two deadlines of a request."""

    first_handling_due_at: datetime
    reply_due_at: datetime


def due_times(received_at: datetime, targets: SlaTargets, *, urgent: bool) -> SlaDue:
    """Deadlines counted in calendar hours from receipt; urgent items are handled sooner."""
    first_hours = targets.first_handling_hours
    if urgent:
        first_hours = min(first_hours, targets.urgent_first_handling_hours)
    return SlaDue(
        first_handling_due_at=received_at + timedelta(hours=first_hours),
        reply_due_at=received_at + timedelta(hours=max(targets.reply_hours, first_hours)),
    )


def clock_breached(due_at: datetime, done_at: datetime | None, now: datetime) -> bool:
    """A clock is breached when it stopped after its deadline, or is still running past it."""
    return (done_at if done_at is not None else now) > due_at


def is_breached(
    *,
    first_handling_due_at: datetime,
    reply_due_at: datetime,
    first_handled_at: datetime | None,
    replied_at: datetime | None,
    now: datetime,
) -> bool:
    """True when either clock is breached as of `now`."""
    return clock_breached(first_handling_due_at, first_handled_at, now) or clock_breached(
        reply_due_at, replied_at, now
    )
