"""A serving process does not load pandas or openpyxl as it starts: pandas would add
about 33 MiB to every process and openpyxl 6, whose download of 20,000 rows is to peak
under 100 MB (bench/downloads.py). pandas stays for tests and benchmarks; openpyxl is
loaded by the first Excel file a process writes."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# As a gunicorn worker starts (config.wsgi), then every URL conf and the views they name.
WORKER = """
import sys
LAZY = {"pandas", "openpyxl"}
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(sorted(name for name in sys.modules if name.partition(".")[0] in LAZY)))
"""


def test_the_app_and_its_views_do_not_import_pandas_or_openpyxl():
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
