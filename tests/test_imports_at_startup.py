"""A serving process does not load pandas: it would add about 33 MiB to every process,
whose download of 20,000 rows is to peak under 100 MB (bench/downloads.py). pandas stays
for tests and benchmarks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# As a gunicorn worker starts (config.wsgi), then every URL conf and the views they name.
WORKER = """
import sys
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(sorted(name for name in sys.modules if name.split(".")[0] == "pandas")))
"""


def test_the_app_and_its_views_do_not_import_pandas():
    environment = os.environ | {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "true",
        "PYTHONPATH": str(ROOT),
    }
    done = subprocess.run(
        [sys.executable, "-c", WORKER],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split() == []
