#!/usr/bin/env bash
# Run the web server, a Celery worker and Celery beat together in the foreground.
# Ctrl-C (or any of the three exiting) stops all three.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, worker and beat ..."
  kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
  exit 0
}
trap stop_all INT TERM EXIT

"$PY" manage.py runserver "$HOST:$PORT" --noreload & pids+=($!)
.venv/bin/celery -A crm worker --loglevel=INFO --concurrency=2 & pids+=($!)
.venv/bin/celery -A crm beat --loglevel=INFO \
  --scheduler django_celery_beat.schedulers:DatabaseScheduler --pidfile= & pids+=($!)

sleep 2
cat <<TXT

  The CRM is running at  http://$HOST:$PORT/
  API docs:              http://$HOST:$PORT/api/v1/docs/
  Admin:                 http://$HOST:$PORT/admin/
  Demo logins (password: ${DEMO_PASSWORD:-see above}): rm1 rm2 rm3 lead1 approver1 approver2 risk1 admin
  Press Ctrl-C to stop web, worker and beat.

TXT
wait -n "${pids[@]}"
stop_all
