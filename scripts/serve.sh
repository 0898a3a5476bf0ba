#!/usr/bin/env bash
# The production server: static files collected (hashed, compressed), migrations applied
# (unless DJANGO_MIGRATE=false: with several app servers, one migrates), the published
# data loaded into an empty database, then gunicorn with DEBUG off.
# Called by `make serve`; see the README's "Running in production".
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PY:-.venv/bin/python}"

export DJANGO_DEBUG=false
# One machine with no TLS in front: plain HTTP on loopback. Behind a TLS proxy or load
# balancer, set DJANGO_HTTPS=true (and DJANGO_SECURE_PROXY_SSL_HEADER).
export DJANGO_HTTPS="${DJANGO_HTTPS:-false}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$(pwd)/db.sqlite3}"
export DJANGO_REDIS_URL="${DJANGO_REDIS_URL:-redis://127.0.0.1:6379/0}"
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
export DJANGO_REQUEST_LOG="${DJANGO_REQUEST_LOG:-true}"
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  # Kept in a file only this user can read, so sessions outlive a restart.
  KEY_FILE="${DJANGO_SECRET_KEY_FILE:-.secret_key}"
  if [ ! -s "$KEY_FILE" ]; then
    (umask 077 && "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$KEY_FILE")
  fi
  DJANGO_SECRET_KEY="$(cat "$KEY_FILE")"
  export DJANGO_SECRET_KEY
fi

"$PY" manage.py collectstatic --noinput --verbosity 0
if [ "${DJANGO_MIGRATE:-true}" != "false" ]; then
  "$PY" manage.py migrate --noinput
  "$PY" manage.py load_published_data
fi
"$PY" manage.py check --deploy --fail-level ERROR
if [ "$DJANGO_HTTPS" = "false" ]; then
  echo "Plain HTTP on this machine (DJANGO_HTTPS=false): the HTTPS warnings above are" \
    "answered by DJANGO_HTTPS=true once TLS is in front (README, Running in production)."
fi
echo "Serving Inspection Findings (production) at http://${HOST:-127.0.0.1}:${PORT:-8000}/"
exec "$(dirname "$PY")/gunicorn" --config config/gunicorn.conf.py config.wsgi
