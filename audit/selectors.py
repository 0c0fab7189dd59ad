"""Reads of the audit trail: a customer's changes, made readable (who, when, field: old → new)."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from pghistory.models import MiddlewareEvents

from crm.fields import EncryptedTextField, decrypt_value

# Bookkeeping columns that say nothing a reader needs in a change list.
HIDDEN_COLUMNS = {"id", "created_at", "updated_at"}
EMPTY = "—"


@dataclass
class FieldChange:
    """One field of one event: its label and the value before and after."""

    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    """One create, update or delete of one row, for the History tab."""

    at: datetime
    label: str  # insert / update / delete
    model_label: str
    object_label: str
    actor: str
    changes: list[FieldChange] = field(default_factory=list)

    @property
    def action(self) -> str:
        return {"insert": _("created"), "update": _("changed"), "delete": _("deleted")}.get(
            self.label, self.label
        )


def customer_events(*, customer):
    """Every event of the customer and of rows pointing at it (contacts, loans, ...), newest first.

    One query over the history tables (a UNION of each table's rows for this customer), with
    each update's diff against the row's previous event computed in the database.
    """
    return MiddlewareEvents.objects.references(customer).order_by("-pgh_created_at", "-pgh_id")


def _column_fields(model) -> dict[str, models.Field]:
    return {f.column: f for f in model._meta.concrete_fields}


def _related_labels(events, tracked: dict[str, type]) -> dict[tuple[type, str], str]:
    """Names of the rows foreign keys point at: one query per related model on the page."""
    wanted: dict[type, set[str]] = {}
    for event in events:
        model = tracked.get(event.pgh_obj_model)
        if model is None:
            continue
        columns = _column_fields(model)
        if event.pgh_label == "insert":
            pairs = [(column, value) for column, value in (event.pgh_data or {}).items()]
        else:
            pairs = [
                (column, value)
                for column, old_new in (event.pgh_diff or {}).items()
                for value in old_new
            ]
        for column, value in pairs:
            model_field = columns.get(column)
            if model_field is not None and model_field.is_relation and value is not None:
                wanted.setdefault(model_field.related_model, set()).add(str(value))
    labels = {}
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            labels[(related_model, str(obj.pk))] = str(obj)
    return labels


def _display(model_field: models.Field, value: Any, related: dict) -> str:
    if value is None or value == "":
        return EMPTY
    if model_field.is_relation:
        return related.get((model_field.related_model, str(value)), f"#{value}")
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is not None:
            return timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M")
    return str(value)


def _plain(token) -> str:
    if token in (None, ""):
        return ""
    try:
        return decrypt_value(token)
    except ImproperlyConfigured:  # a token under a retired key: a change, never a failed page
        return f"undecryptable:{token}"


def _changes(event, model, related) -> list[FieldChange]:
    columns = _column_fields(model)
    changes = []
    if event.pgh_label == "update":
        items = [(column, old, new) for column, (old, new) in (event.pgh_diff or {}).items()]
    elif event.pgh_label == "insert":
        items = [(column, None, new) for column, new in (event.pgh_data or {}).items()]
    else:
        return changes
    for column, old, new in items:
        model_field = columns.get(column)
        if (
            model_field is None
            or column in HIDDEN_COLUMNS
            or (old in (None, "") and new in (None, ""))
        ):
            continue
        if isinstance(model_field, EncryptedTextField):
            # Sensitive numbers: the trail says that they changed, never what they are. Each
            # save encrypts afresh, so compare the plain values to know whether they did.
            if _plain(old) == _plain(new):
                continue
            old_text = EMPTY if old in (None, "") else "••••"
            new_text = EMPTY if new in (None, "") else "••••"
        else:
            old_text, new_text = (
                _display(model_field, old, related),
                _display(model_field, new, related),
            )
        changes.append(FieldChange(str(model_field.verbose_name), old_text, new_text))
    return changes


def _object_label(event, model) -> str:
    data = event.pgh_data or {}
    name = data.get("name") or data.get("title") or data.get("subject") or data.get("number")
    label = str(model._meta.verbose_name)
    return f"{label} “{name}”" if name else f"{label} #{event.pgh_obj_id}"


def _actor(event, users) -> str:
    context = event.pgh_context or {}
    if event.user_id is not None:
        user = users.get(event.user_id)
        return str(user) if user is not None else f"#{event.user_id}"
    if context.get("job"):
        return _("system (job %(job)s)") % {"job": context["job"]}
    if context.get("task"):
        return _("system (task %(task)s)") % {"task": context["task"]}
    return _("system")


def history_entries(events) -> list[HistoryEntry]:
    """Readable entries for a page of events (a few queries, whatever the page size)."""
    events = list(events)
    tracked = {}
    for event in events:
        if event.pgh_obj_model not in tracked:
            tracked[event.pgh_obj_model] = apps.get_model(event.pgh_obj_model)
    user_ids = {event.user_id for event in events if event.user_id is not None}
    users = get_user_model().objects.in_bulk(user_ids) if user_ids else {}
    related = _related_labels(events, tracked)
    entries = []
    for event in events:
        model = tracked[event.pgh_obj_model]
        changes = _changes(event, model, related)
        if event.pgh_label == "update" and not changes:
            # A save that only re-encrypted a sensitive number with the same value.
            continue
        entries.append(
            HistoryEntry(
                at=event.pgh_created_at,
                label=event.pgh_label,
                model_label=str(model._meta.verbose_name),
                object_label=_object_label(event, model),
                actor=_actor(event, users),
                changes=changes,
            )
        )
    return entries
