"""Benchmark: the audit trail's write cost on a 1,000-row customer import.

Runs `customers_import` on the same 1,000-row CSV (each row a customer and its contact) with
the history triggers of the customers and contacts tables enabled, then disabled, alternately,
each run in a transaction that is rolled back. Prints the median and spread in milliseconds.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/crm_bench python bench/customer_import_audit.py

Needs a migrated database (`manage.py migrate`); it leaves no rows behind.
"""

import csv
import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from crm.models import User  # noqa: E402
from crm.roles import Role  # noqa: E402
from customers.spreadsheets import customers_import  # noqa: E402
from customers.uscc import uscc_check_character  # noqa: E402

ROWS = 1000
RUNS = 5
TABLES = ("customers_customer", "customers_contact")
HEADER = [
    "name",
    "uscc",
    "legal_form",
    "industry",
    "size",
    "region",
    "contact_name",
    "contact_role",
    "contact_phone",
]


class Rollback(Exception):
    pass


def _file():
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for n in range(1, ROWS + 1):
        first17 = f"91440000{n:09d}"
        writer.writerow(
            [
                f"基准公司{n}有限公司",
                first17 + uscc_check_character(first17),
                "enterprise",
                "C",
                "small",
                "广州",
                f"联系人{n}",
                "finance",
                f"139{n:08d}",
            ]
        )
    return buffer.getvalue().encode()


def _run(content, *, triggers: bool) -> float:
    try:
        with transaction.atomic():
            user = User.objects.create(username="bench_importer")
            from django.contrib.auth.models import Group

            user.groups.add(Group.objects.get(name=Role.RELATIONSHIP_MANAGER))
            with connection.cursor() as cursor:
                for table in TABLES:
                    state = "ENABLE" if triggers else "DISABLE"
                    cursor.execute(f'ALTER TABLE "{table}" {state} TRIGGER USER')
            upload = SimpleUploadedFile("bench.csv", content, "text/csv")
            started = time.perf_counter()
            created = customers_import(uploaded=upload, user=user)
            elapsed = time.perf_counter() - started
            assert created == ROWS, created
            raise Rollback
    except Rollback:
        return elapsed * 1000


def main():
    content = _file()
    _run(content, triggers=True)  # warm caches and the connection
    results = {True: [], False: []}
    for _ in range(RUNS):
        for triggers in (False, True):
            results[triggers].append(_run(content, triggers=triggers))
    for triggers, label in ((False, "without audit triggers"), (True, "with audit triggers")):
        times = results[triggers]
        print(
            f"{label:24} median {statistics.median(times):7.0f} ms"
            f"  (min {min(times):.0f}, max {max(times):.0f}, {RUNS} runs of {ROWS} rows)"
        )
    overhead = statistics.median(results[True]) / statistics.median(results[False]) - 1
    print(f"overhead {overhead:+.0%}")


if __name__ == "__main__":
    main()
