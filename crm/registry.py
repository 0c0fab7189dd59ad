"""Small registries through which apps contribute to shared pages without importing each other.

- `worklist_section`: a section of the worklist (`/`), e.g. overdue repayments (loans).
- `customer_panel`: a tab of the customer page, e.g. the customer's loans (loans). The page
  renders only the open tab; the others load on demand from their own URL (htmx), so every
  tab costs its queries only when someone looks at it.
- `customer_summary`: facts in the customer page's header, e.g. total exposure (loans).
- `timeline_source`: entries of a customer's timeline, e.g. loan events (loans).

Apps declare them in `<app>/worklist.py`, `<app>/panels.py` and `<app>/timeline.py`, which
are imported at start-up (see CrmConfig.ready), like `<app>/jobs.py` for daily jobs.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Contribution:
    """One registered piece: a key, a label, a template, an order and the function behind it.

    `category` is the information category (crm.AccessLog.Category) a customer-page tab shows;
    loading a tab of another category than the page's own "basic" writes an access-log entry.
    """

    key: str
    label: Any
    order: int
    func: Callable
    template: str = ""
    category: str = "basic"


class Registry:
    """Contributions by key, returned in order."""

    def __init__(self):
        self._items: dict[str, Contribution] = {}

    def register(
        self, key: str, *, label="", order: int = 100, template: str = "", category: str = "basic"
    ):
        """Decorator: register `func` under `key` (a later registration replaces it)."""

        def decorator(func):
            self._items[key] = Contribution(key, label, order, func, template, category)
            return func

        return decorator

    def all(self) -> list[Contribution]:
        return sorted(self._items.values(), key=lambda c: (c.order, c.key))

    def get(self, key: str) -> Contribution | None:
        return self._items.get(key)


# func(request) -> dict context (with "items") or None to hide the section.
worklist_sections = Registry()
worklist_section = worklist_sections.register

# func(request, customer) -> dict context for the panel's template. The tab is listed for
# everyone who may see the customer; a func that returns None shows the tab's empty state.
customer_panels = Registry()
customer_panel = customer_panels.register

# func(request, customer) -> dict merged into the header's facts (one query or none each).
customer_summaries = Registry()
customer_summary = customer_summaries.register


@dataclass(frozen=True)
class TimelineEntry:
    """One event in a customer's timeline."""

    at: datetime
    kind: str  # the source key, e.g. "interaction", "loan_event", "alert"
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""


# func(customer, user, *, limit) -> Iterable[TimelineEntry], newest first.
timeline_sources = Registry()
timeline_source = timeline_sources.register


def customer_timeline(customer, user, *, kinds: Iterable[str] | None = None, limit: int = 100):
    """Every source's entries for a customer merged newest first."""
    wanted = set(kinds) if kinds else None
    entries: list[TimelineEntry] = []
    for source in timeline_sources.all():
        if wanted is None or source.key in wanted:
            entries.extend(source.func(customer, user, limit=limit))
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]
