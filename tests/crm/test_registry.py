"""The registries through which apps contribute worklist sections, panels and timelines."""

from datetime import UTC, datetime

from crm import registry
from crm.registry import Registry, TimelineEntry


def test_registry_returns_contributions_in_order_and_replaces_by_key():
    reg = Registry()
    reg.register("b", order=20)(lambda: "b")
    reg.register("a", order=10)(lambda: "a1")
    reg.register("a", order=30)(lambda: "a2")

    assert [(c.key, c.func()) for c in reg.all()] == [("b", "b"), ("a", "a2")]


def test_customer_timeline_merges_sources_newest_first(monkeypatch):
    reg = Registry()
    monkeypatch.setattr(registry, "timeline_sources", reg)

    def at(day):
        return datetime(2026, 1, day, tzinfo=UTC)

    reg.register("calls")(
        lambda customer, user, limit: [
            TimelineEntry(at(5), "calls", "call"),
            TimelineEntry(at(1), "calls", "old call"),
        ]
    )
    reg.register("loans")(lambda customer, user, limit: [TimelineEntry(at(3), "loans", "approved")])

    merged = registry.customer_timeline(None, None, limit=2)
    only_loans = registry.customer_timeline(None, None, kinds=["loans"])

    assert [e.title for e in merged] == ["call", "approved"]
    assert [e.title for e in only_loans] == ["approved"]
