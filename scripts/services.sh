#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer at DATABASE_URL and REDIS_URL, then create the database.
#
#   1. use them when they already answer;
#   2. otherwise start local ones that are installed but stopped;
#   3. otherwise install them with apt (Debian/Ubuntu) and start them;
#   4. otherwise explain how to run them with `docker compose up -d db redis`.
#
# Idempotent and quiet when all is well. Needs the project's virtualenv (.venv) for the checks.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
if [ -f .env ]; then set -a; . ./.env; set +a; fi
export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/crm}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/0}

say() { printf 'services: %s\n' "$*" >&2; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }

# Host and port of each URL, from Python so every URL form parses the same way as in Django.
read -r PG_HOST PG_PORT REDIS_HOST REDIS_PORT < <("$PY" - <<'PY'
import os
from urllib.parse import urlsplit
db = urlsplit(os.environ["DATABASE_URL"]); rd = urlsplit(os.environ["REDIS_URL"])
print(db.hostname or "127.0.0.1", db.port or 5432, rd.hostname or "127.0.0.1", rd.port or 6379)
PY
)
is_local() { case "$1" in 127.0.0.1|localhost|::1) return 0;; *) return 1;; esac; }

pg_answers() {
  "$PY" - <<'PY' 2>/dev/null
import os, sys
from urllib.parse import urlsplit, unquote
import psycopg2
u = urlsplit(os.environ["DATABASE_URL"])
try:
    psycopg2.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432, dbname="postgres",
                     user=unquote(u.username or "postgres"), password=unquote(u.password or ""),
                     connect_timeout=3).close()
except psycopg2.OperationalError as exc:
    print(str(exc).strip().splitlines()[0], file=sys.stderr); sys.exit(1)
PY
}
redis_answers() {
  "$PY" -c "import os, redis; redis.Redis.from_url(os.environ['REDIS_URL'], socket_connect_timeout=2).ping()" 2>/dev/null
}
wait_for() { for _ in $(seq 1 30); do "$1" && return 0; sleep 1; done; return 1; }

docker_hint() {
  say "$1 is not reachable and could not be started or installed here."
  say "Either install it (Debian/Ubuntu: apt-get install postgresql redis-server),"
  say "or run both with Docker:  docker compose up -d db redis"
  exit 1
}

start_postgres() {
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    for version in $(ls /etc/postgresql); do
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || true
    done
    return 0
  fi
  return 1
}
install_postgres() {
  command -v apt-get >/dev/null || return 1
  say "installing PostgreSQL with apt-get ..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null || return 1
  start_postgres || return 1
  # A fresh cluster only lets the postgres OS user in. For a local development database we
  # allow local TCP connections without a password, as DATABASE_URL's default expects.
  for hba in /etc/postgresql/*/main/pg_hba.conf; do
    grep -q "crm-dev-trust" "$hba" || as_root sed -i \
      '1i host all all 127.0.0.1/32 trust # crm-dev-trust\nhost all all ::1/128 trust # crm-dev-trust' "$hba"
  done
  for version in $(ls /etc/postgresql); do
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload 2>/dev/null || true
  done
}
start_redis() {
  command -v redis-server >/dev/null || return 1
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
    --logfile "${TMPDIR:-/tmp}/crm-redis.log" >/dev/null
}
install_redis() {
  command -v apt-get >/dev/null || return 1
  say "installing Redis with apt-get ..."
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null || return 1
  start_redis
}

# PostgreSQL
if ! pg_answers; then
  is_local "$PG_HOST" || docker_hint "PostgreSQL at $PG_HOST:$PG_PORT"
  say "PostgreSQL is not answering on $PG_HOST:$PG_PORT; starting it ..."
  if ! { start_postgres && wait_for pg_answers; }; then
    { install_postgres && wait_for pg_answers; } || docker_hint "PostgreSQL"
  fi
  say "PostgreSQL is up."
fi

# Redis
if ! redis_answers; then
  is_local "$REDIS_HOST" || docker_hint "Redis at $REDIS_HOST:$REDIS_PORT"
  say "Redis is not answering on $REDIS_HOST:$REDIS_PORT; starting it ..."
  if ! { start_redis && wait_for redis_answers; }; then
    { install_redis && wait_for redis_answers; } || docker_hint "Redis"
  fi
  say "Redis is up."
fi

# The database itself.
"$PY" - <<'PY'
import os
from urllib.parse import urlsplit, unquote
import psycopg2
from psycopg2 import sql
u = urlsplit(os.environ["DATABASE_URL"])
name = unquote(u.path.lstrip("/")) or "crm"
conn = psycopg2.connect(host=u.hostname or "127.0.0.1", port=u.port or 5432, dbname="postgres",
                        user=unquote(u.username or "postgres"), password=unquote(u.password or ""))
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"services: created database {name}")
conn.close()
PY
