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
