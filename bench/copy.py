"""Bulk loading with PostgreSQL COPY: rows as tuples, ids reserved from the tables' sequences.

The bank-scale portfolio has millions of rows, far beyond what `bulk_create` does in minutes,
so rows are streamed to `COPY ... FROM STDIN` in the text format. Columns a caller leaves out
get the model field's default (Django defaults live in Python, not in the database), so a new
NOT NULL field with a default never breaks the seeder; one without a default fails loudly.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.db import connection, models
from django.utils import timezone

# Rows per COPY chunk: large enough to amortise the round trip, small enough for memory.
CHUNK_ROWS = 100_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value) -> str:
    """One value in COPY text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, (int, Decimal)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        # PostgreSQL array literal of simple identifiers (ArrayField of short codes).
        return "{" + ",".join(str(item) for item in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False).translate(_ESCAPES)
    raise TypeError(f"Cannot COPY a {type(value).__name__}: {value!r}")


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Reserve `count` consecutive primary keys of `model`'s sequence; return the first one."""
    if count <= 0:
        return 0
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        (sequence,) = cursor.fetchone()
        # nextval then setval: the block [first, first + count - 1] is ours even if another
        # session inserts meanwhile, because setval only moves the sequence forward from here.
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
    return first


def _column_plan(model, fields: Sequence[str]):
    """The full column list (given fields + defaulted ones) and the line ending with defaults."""
    now = timezone.now()
    given = set(fields)
    columns = []
    extra = []
    for field in model._meta.concrete_fields:
        name = field.attname
        if name in given:
            continue
        if field.primary_key:
            continue  # identity column: the database numbers the row
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            default = now
        elif field.has_default():
            default = field.get_default()
        elif field.null:
            default = None
        elif isinstance(field, (models.CharField, models.TextField)) and field.blank:
            default = ""
        else:
            raise ValueError(f"{model.__name__}.{name} has no default; pass it to copy_rows().")
        columns.append(field.column)
        extra.append(_text(default))
    given_columns = [model._meta.get_field(name).column for name in fields]
    # The defaults follow the given values on every line ("" is a value: an empty text).
    suffix = "".join("\t" + value for value in extra) + "\n"
    return given_columns + columns, suffix


def copy_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """COPY tuples (ordered as `fields`, attnames such as `customer_id`) into model's table."""
    columns, suffix = _column_plan(model, fields)
    sql = 'COPY "{}" ({}) FROM STDIN'.format(
        model._meta.db_table, ", ".join(f'"{column}"' for column in columns)
    )
    total = 0
    buffer = io.StringIO()
    pending = 0
    raw = connection.connection  # psycopg2 connection (Django opened it in this transaction)
    with raw.cursor() as cursor:
        for row in rows:
            buffer.write("\t".join(map(_text, row)))
            buffer.write(suffix)
            pending += 1
            if pending >= CHUNK_ROWS:
                buffer.seek(0)
                cursor.copy_expert(sql, buffer)
                total += pending
                pending = 0
                buffer = io.StringIO()
        if pending:
            buffer.seek(0)
            cursor.copy_expert(sql, buffer)
            total += pending
    return total
