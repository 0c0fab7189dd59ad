#!/usr/bin/env bash
# Load test: 50 concurrent staff for 2 minutes against gunicorn on loopback (docs/benchmarks.md).
#   bash scripts/load_test.sh [USERS] [DURATION]        (defaults: 50 users, 2m)
# Uses the database at DATABASE_URL (default: the demo database `crm`, seeded by `make demo` or
# `manage.py seed_demo [--scale bank]`). Runs gunicorn in production mode (DEBUG off) with
# 2 x cores + 1 sync workers on a free port, then locust (in its own virtualenv, .venv-load,
# so gevent never enters the application's environment) headless. Exits non-zero if any request
# failed. The report goes to test-output/load/ (CSV and HTML).
set -euo pipefail
cd "$(dirname "$0")/.."
USERS="${1:-50}"
DURATION="${2:-2m}"
OUT=test-output/load
mkdir -p "$OUT"
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crm}"

if [ ! -x .venv-load/bin/locust ]; then
  python3 -m venv .venv-load
  .venv-load/bin/pip install -q -r load/requirements.txt
fi

# Production mode needs real keys. Without them, use the development keys the demo data was
# encrypted with (never do this with real data).
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  export DJANGO_SECRET_KEY="django-insecure-development-only-never-use-in-production"
  export FIELD_ENCRYPTION_KEYS="$(.venv/bin/python -c 'import base64,hashlib; print(base64.urlsafe_b64encode(hashlib.sha256(b"crm.fields:django-insecure-development-only-never-use-in-production").digest()).decode())')"
fi
export DJANGO_DEBUG=false SECURE_SSL_REDIRECT=false DB_CONN_MAX_AGE=600
# The realistic mix stays far below the per-user API budget; the token endpoint is not used.
WORKERS=$(( $(nproc) * 2 + 1 ))
PORT=$(.venv/bin/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

.venv/bin/python manage.py collectstatic --no-input -v0
.venv/bin/gunicorn crm.wsgi:application --bind "127.0.0.1:$PORT" --workers "$WORKERS" \
  --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null; wait $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/accounts/login/" -H "X-Forwarded-Proto: https" && break
  sleep 0.2
done

echo "load: $USERS users for $DURATION against gunicorn ($WORKERS workers) on 127.0.0.1:$PORT"
.venv-load/bin/locust -f load/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" \
  --host "http://127.0.0.1:$PORT" --csv "$OUT/load" --html "$OUT/load.html" \
  --only-summary --exit-code-on-error 1
