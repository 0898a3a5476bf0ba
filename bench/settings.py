"""Settings for timing the explorer with `bench/benchmark_search.py`: production settings
(DEBUG off, so no query log and cached templates), served over plain HTTP on 127.0.0.1
with unhashed static file names, so no collectstatic is needed to run it.

Only the benchmark's own server processes use this (DJANGO_SETTINGS_MODULE=bench.settings,
with DJANGO_DEBUG=false, DATABASE_URL and DJANGO_SECRET_KEY in the environment).
"""

from config.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
