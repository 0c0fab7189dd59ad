"""The reminder ladder's date arithmetic, without Django: which rung applies on a date.

API.md, Reminders: a rung missed because no job ran is sent on the next run unless a later rung
already applies, in which case only the latest rung is sent. So on any business date exactly one
occurrence per ladder is due: the latest one whose trigger date has been reached.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Rung:
    """A rung as the arithmetic needs it (a `ReminderRung` row, or a test's literal)."""

    code: str
    offset_days: int
    repeat_every_days: int | None = None


@dataclass(frozen=True)
class Occurrence:
    """One concrete sending of a rung: its delivery key and the date it falls on."""

    rung: Rung
    key: str
    trigger_date: date
    day: int  # days from the anchor date (negative: before it)


def occurrence_key(rung: Rung, day: int) -> str:
    """ "pre-due-7" for a one-off rung, "overdue+8" for the 8th-day repeat of a repeating one."""
    return f"{rung.code}{day:+d}" if rung.repeat_every_days else rung.code


def latest_occurrence(rungs: Iterable[Rung], *, anchor: date, as_of: date) -> Occurrence | None:
    """The latest occurrence of any rung on or before `as_of`, counted from `anchor`."""
    best: Occurrence | None = None
    for rung in rungs:
        first = anchor + timedelta(days=rung.offset_days)
        if first > as_of:
            continue
        day = rung.offset_days
        if rung.repeat_every_days:
            day += (as_of - first).days // rung.repeat_every_days * rung.repeat_every_days
        trigger = anchor + timedelta(days=day)
        if best is None or (trigger, rung.offset_days) > (best.trigger_date, best.rung.offset_days):
            best = Occurrence(
                rung=rung, key=occurrence_key(rung, day), trigger_date=trigger, day=day
            )
    return best
