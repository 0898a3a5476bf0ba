"""gunicorn's settings for the production server (scripts/serve.sh starts it).

Everything a deployment may change comes from the environment: HOST and PORT to bind,
WEB_CONCURRENCY worker processes (each holds one database connection and its own
explorer facet index), GUNICORN_TIMEOUT seconds before a stuck worker is replaced.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", 4))
# Synchronous workers: pages are short and CPU-bound; the database and cache are local.
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 20
# Recycle workers now and then so a slow leak cannot grow without bound; the jitter
# keeps them from restarting all at once.
max_requests = 5000
max_requests_jitter = 500
# The app writes its own JSON request log (config/requestlog.py); gunicorn logs only
# its own events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Behind a load balancer or proxy on another machine, set FORWARDED_ALLOW_IPS to its
# address so gunicorn believes its X-Forwarded-* headers; by default only loopback.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
