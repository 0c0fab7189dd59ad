"""Small registries through which apps contribute to shared pages without importing each other.

- `worklist_source`: rows of the worklist's ranked list (`/`), e.g. overdue repayments (loans).
- `worklist_section`: a panel below the list, e.g. the risk officer's queue summary (risk).
- `customer_panel`: a tab of the customer page, e.g. the customer's loans (loans). The page
  renders only the open tab; the others load on demand from their own URL (htmx), so every
  tab costs its queries only when someone looks at it. A tab may require a permission.
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
    `permission` (a customer-page tab's): users without it see no tab, and its URL is 403.
    """

    key: str
    label: Any
    order: int
    func: Callable
    template: str = ""
    category: str = "basic"
    permission: str = ""


class Registry:
    """Contributions by key, returned in order."""

    def __init__(self):
        self._items: dict[str, Contribution] = {}

    def register(
        self,
        key: str,
        *,
        label="",
        order: int = 100,
        template: str = "",
        category: str = "basic",
        permission: str = "",
    ):
        """Decorator: register `func` under `key` (a later registration replaces it)."""

        def decorator(func):
            self._items[key] = Contribution(key, label, order, func, template, category, permission)
            return func

        return decorator

    def all(self) -> list[Contribution]:
        return sorted(self._items.values(), key=lambda c: (c.order, c.key))

    def get(self, key: str) -> Contribution | None:
        return self._items.get(key)

    def allowed(self, user) -> list[Contribution]:
        """The contributions `user` may see: those without a permission or whose they hold."""
        return [c for c in self.all() if not c.permission or user.has_perm(c.permission)]


# func(request, scope: crm.worklist.WorklistScope) -> dict context (with "items") or None to
# hide the panel; `scope.customer_filter()` narrows it to the RM a team lead picked.
worklist_sections = Registry()
worklist_section = worklist_sections.register

# func(scope: crm.worklist.WorklistScope) -> crm.worklist.SourceRows or None: rows of the
# worklist's ranked list (the label names the source in the counts above the list).
worklist_sources = Registry()
worklist_source = worklist_sources.register

# func(request, customer) -> dict context for the panel's template. The tab is listed for
# everyone who may see the customer and holds the tab's `permission` (if any); a func that
# returns None shows the tab's empty state.
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
