"""The ladder's date arithmetic: which rung applies on a date (API.md, Reminders)."""

from datetime import date, timedelta

import pytest

from notifications.ladder import Rung, latest_occurrence

DEFAULT = [
    Rung("pre-due-7", -7),
    Rung("pre-due-1", -1),
    Rung("overdue", 1, repeat_every_days=7),
]
DUE = date(2026, 3, 15)


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (date(2026, 3, 7), None),
        (date(2026, 3, 8), ("pre-due-7", date(2026, 3, 8))),
        (date(2026, 3, 13), ("pre-due-7", date(2026, 3, 8))),
        (date(2026, 3, 14), ("pre-due-1", date(2026, 3, 14))),
        (date(2026, 3, 15), ("pre-due-1", date(2026, 3, 14))),
        (date(2026, 3, 16), ("overdue+1", date(2026, 3, 16))),
        (date(2026, 3, 22), ("overdue+1", date(2026, 3, 16))),
        (date(2026, 3, 23), ("overdue+8", date(2026, 3, 23))),
        (date(2026, 3, 30), ("overdue+15", date(2026, 3, 30))),
        (date(2026, 4, 5), ("overdue+15", date(2026, 3, 30))),
        (date(2026, 4, 6), ("overdue+22", date(2026, 4, 6))),
    ],
)
def test_the_latest_reached_occurrence_applies(as_of, expected):
    occurrence = latest_occurrence(DEFAULT, anchor=DUE, as_of=as_of)

    assert (occurrence and (occurrence.key, occurrence.trigger_date)) == expected


def test_daily_runs_over_a_month_produce_each_rung_once_in_order():
    keys = []
    for offset in range(45):  # 1 March to 14 April
        occurrence = latest_occurrence(
            DEFAULT, anchor=DUE, as_of=date(2026, 3, 1) + timedelta(offset)
        )
        if occurrence and occurrence.key not in keys:
            keys.append(occurrence.key)

    assert keys == [
        "pre-due-7",
        "pre-due-1",
        "overdue+1",
        "overdue+8",
        "overdue+15",
        "overdue+22",
        "overdue+29",
    ]


def test_after_skipped_days_only_the_latest_rung_is_due():
    # No run between 7 days before and 3 days after the due date: the two missed rungs
    # (1 day before, day 1 overdue) collapse into the latest one.
    occurrence = latest_occurrence(DEFAULT, anchor=DUE, as_of=date(2026, 3, 18))

    assert occurrence.key == "overdue+1"
    assert occurrence.day == 1


def test_a_rung_with_a_larger_offset_wins_a_tie_on_the_same_date():
    rungs = [Rung("a", -1), Rung("b", 1, repeat_every_days=2), Rung("c", -3, repeat_every_days=2)]

    occurrence = latest_occurrence(rungs, anchor=DUE, as_of=date(2026, 3, 16))

    assert occurrence.key == "b+1"
