"""Production settings: secrets from the environment and a clean deployment check."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def deployment_environment():
    """This process's environment without what only the test run sets."""
    return {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**deployment_environment(), "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x7Hq9!kP2" * 5,
    "DJANGO_ALLOWED_HOSTS": "inspection-findings.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "DJANGO_REDIS_URL": "redis://127.0.0.1:6379/0",
}


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def setting(name, **env):
    """The value of a setting as a process started with `env` (and no DJANGO_DEBUG) sees it."""
    environment = {k: v for k, v in deployment_environment().items() if k != "DJANGO_DEBUG"}
    result = subprocess.run(
        [sys.executable, "-c", f"from django.conf import settings; print(settings.{name})"],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_debug_is_off_unless_asked_for():
    without_debug = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_DEBUG"}
    assert setting("DEBUG", **without_debug) == "False"


def test_production_refuses_to_start_without_a_shared_cache():
    result = manage("check", **{**PRODUCTION, "DJANGO_REDIS_URL": ""})
    assert result.returncode != 0
    assert "DJANGO_REDIS_URL" in result.stderr


def test_the_cache_is_redis_in_production():
    assert "RedisCache" in setting("CACHES['default']['BACKEND']", **PRODUCTION)


def test_the_proxy_header_is_trusted_only_when_configured():
    assert setting("SECURE_PROXY_SSL_HEADER", **PRODUCTION) == "None"
    configured = {**PRODUCTION, "DJANGO_SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO"}
    assert setting("SECURE_PROXY_SSL_HEADER", **configured) == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_plain_http_on_loopback_turns_off_only_the_https_parts():
    plain = {**PRODUCTION, "DJANGO_HTTPS": "false"}
    assert setting("SESSION_COOKIE_SECURE", **plain) == "False"
    assert setting("SECURE_SSL_REDIRECT", **plain) == "False"
    assert setting("SESSION_COOKIE_SECURE", **PRODUCTION) == "True"
    assert setting("SECURE_SSL_REDIRECT", **PRODUCTION) == "True"


def test_connections_are_checked_before_reuse():
    assert setting("DATABASES['default']['CONN_HEALTH_CHECKS']", **PRODUCTION) == "True"
