#!/usr/bin/env bash
# Start the production stack as the README says (make serve) on a new PostgreSQL
# database and Redis, then crawl it signed out and as an admin: any 4xx or 5xx on a
# page, download or static file fails. Used by CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

DB=inspection_findings_ci_production
PORT="${CRAWL_PORT:-8765}"
dropdb --if-exists -h 127.0.0.1 -U postgres "$DB"
createdb -h 127.0.0.1 -U postgres "$DB"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export DJANGO_REDIS_URL=redis://127.0.0.1:6379/0
export DJANGO_CACHE_PREFIX="ci-crawl-$$"
DJANGO_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
export DJANGO_SECRET_KEY

# Something else answering on the port would be crawled instead of the server started here.
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
  echo "Port $PORT is already in use: stop what serves it, or set CRAWL_PORT." >&2
  exit 1
fi

LOG="$(mktemp)"
PORT="$PORT" make serve >"$LOG" 2>&1 &
SERVER=$!
stop() {
  pkill -TERM -P "$SERVER" 2>/dev/null || true
  kill "$SERVER" 2>/dev/null || true
  pkill -TERM -f "gunicorn.*config.wsgi" 2>/dev/null || true
}
trap stop EXIT

for _ in $(seq 180); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG"; exit 1; fi
  sleep 1
done
curl -fs "http://127.0.0.1:$PORT/healthz"
echo

PASSWORD="$(python3 -c 'import secrets; print(secrets.token_urlsafe(20))')"
DJANGO_DEBUG=false DJANGO_SUPERUSER_PASSWORD="$PASSWORD" \
  .venv/bin/python manage.py createsuperuser --noinput --username ci-admin --email ci@example.org
.venv/bin/python scripts/crawl.py "http://127.0.0.1:$PORT" --username ci-admin --password "$PASSWORD"

# Errors the app or gunicorn logged (a failure the crawl could not see, a worker that
# timed out or died).
if grep -E '"level": "(ERROR|CRITICAL)"|\[(ERROR|CRITICAL)\]' "$LOG"; then
  exit 1
fi
