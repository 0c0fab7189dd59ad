"""Fault: PostgreSQL restarts while the web is under load.

    .venv/bin/python scripts/faults/pg_restart.py [--repeat 3] [--clients 8]

What it does, on throwaway servers only (scripts/faults/servers.py):
1. a private PostgreSQL cluster and redis-server, the schema migrated, one RM with 30 customers;
2. gunicorn (2 sync workers, persistent database connections: DB_CONN_MAX_AGE=600, the
   production setting that makes this fault interesting) on a free port;
3. `--clients` threads loop over the API customer list, a customer detail and /healthz;
4. after a few seconds of load PostgreSQL is stopped (`pg_ctl stop -m fast`, which drops every
   connection the web holds), kept down for `--outage` seconds, and started again; then a second
   restart while the clients pause, so that every web worker still holds a connection to the old
   server when traffic resumes (the case persistent connections get wrong without health checks);
5. from the moment PostgreSQL accepts connections again ("recovery"), every request that starts
   after it must succeed: no 500, no connection error. Requests during the outage may fail (503
   from /healthz, 500 from pages), as they must: the database is gone.

Passes when the web recovers by itself (nobody restarts gunicorn) and no request after recovery
fails. Exit code 0 on success; a JSON summary per round on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import App, ThrowawayPostgres, ThrowawayRedis, free_port, http  # noqa: E402

SEED = """
from crm.roles import Role
from crm.models import User
from django.contrib.auth.models import Group
from customers.models import Customer, Industry
from customers.uscc import uscc_check_character
user, _ = User.objects.get_or_create(username="fault-rm")
user.set_password("fault-pass-2026")
user.save()
user.groups.add(Group.objects.get(name=Role.RELATIONSHIP_MANAGER))
industry = Industry.objects.get(code="C")
for n in range(30):
    body = f"91310000{n:09d}"
    Customer.objects.get_or_create(
        uscc=body + uscc_check_character(body),
        defaults={
            "name": f"Fault Test Co {n}", "industry": industry, "relationship_manager": user,
            "legal_form": "enterprise", "size": "medium", "region": "Shanghai",
        },
    )
"""


def _seed(app: App) -> None:
    app.manage("migrate", "--no-input", "-v0")
    app.manage("shell", "-c", SEED)


def _round(clients: int, outage: float, warmup: float, after: float) -> dict:
    postgres = ThrowawayPostgres().start_new()
    redis = ThrowawayRedis().start()
    web = None
    try:
        app = App.for_services(postgres, redis)
        _seed(app)
        port = free_port()
        web = app.gunicorn(port, workers=2, log_path=postgres.tmp / "gunicorn.log")
        base = f"http://127.0.0.1:{port}"
        status, body = http(
            "POST",
            f"{base}/api/v1/auth/token/",
            data={"username": "fault-rm", "password": "fault-pass-2026"},
        )
        if status != 200:
            raise RuntimeError(f"token request failed: {status} {body[:300]!r}")
        token = json.loads(body)["token"]
        status, body = http("GET", f"{base}/api/v1/customers/?page_size=5", token=token)
        customer_id = json.loads(body)["results"][0]["id"]
        urls = [
            f"{base}/api/v1/customers/?page_size=20",
            f"{base}/api/v1/customers/{customer_id}/",
            f"{base}/healthz",
        ]

        results: list[tuple[float, float, int, str]] = []  # start, end, status, url
        lock = threading.Lock()
        stop = threading.Event()
        running = threading.Event()
        running.set()
        in_flight = [0]

        def client(index: int) -> None:
            n = index
            while not stop.is_set():
                with lock:
                    if not running.is_set():
                        go = False
                    else:
                        go = True
                        in_flight[0] += 1
                if not go:
                    time.sleep(0.05)
                    continue
                url = urls[n % len(urls)]
                n += 1
                started = time.monotonic()
                status, _ = http("GET", url, token=token, timeout=15)
                with lock:
                    results.append((started, time.monotonic(), status, url))
                    in_flight[0] -= 1

        def restart(*, quiet: bool) -> tuple[float, float]:
            """Stop PostgreSQL, keep it down, start it; with quiet=True nobody calls during it,
            so every web worker still holds a connection to the old server afterwards."""
            if quiet:
                with lock:
                    running.clear()
                while in_flight[0]:  # let the requests in flight finish
                    time.sleep(0.05)
            down = time.monotonic()
            postgres.stop("fast")
            time.sleep(outage)
            postgres.start()
            while not postgres.is_ready():
                time.sleep(0.05)
            up = time.monotonic()
            running.set()
            return down, up

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
        for thread in threads:
            thread.start()
        time.sleep(warmup)
        outage_start, recovered = restart(quiet=False)
        time.sleep(after)
        quiet_start, quiet_recovered = restart(quiet=True)
        time.sleep(after)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)

        before = [r for r in results if r[1] < outage_start]
        during = [r for r in results if r[1] >= outage_start and r[0] < recovered]
        later = [r for r in results if r[0] >= recovered]
        after_quiet = [r for r in results if r[0] >= quiet_recovered]
        failures_after = [
            {
                "status": status,
                "url": url.replace(base, ""),
                "after_recovery_s": round(start - recovered, 3),
            }
            for start, _, status, url in later
            if status != 200
        ]
        return {
            "requests_before": len(before),
            "failed_before": sum(1 for r in before if r[2] != 200),
            "requests_during_outage": len(during),
            "failed_during_outage": sum(1 for r in during if r[2] != 200),
            "requests_after_recovery": len(later),
            "failed_after_recovery": len(failures_after),
            "requests_after_quiet_restart": len(after_quiet),
            "failures_after_recovery": failures_after[:10],
            "web_restarted": False,
            "passed": bool(later)
            and bool(after_quiet)
            and not failures_after
            and not any(r[2] != 200 for r in before),
        }
    finally:
        if web is not None:
            web.terminate()
            web.wait(timeout=15)
        redis.stop()
        postgres.destroy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--outage", type=float, default=3.0, help="seconds PostgreSQL stays down")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--after", type=float, default=8.0, help="seconds of load after recovery")
    args = parser.parse_args(argv)
    ok = True
    for n in range(1, args.repeat + 1):
        summary = _round(args.clients, args.outage, args.warmup, args.after)
        print(json.dumps({"fault": "pg_restart", "round": n, **summary}), flush=True)
        ok = ok and summary["passed"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
