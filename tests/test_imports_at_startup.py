"""A serving process does not load, as it starts, what only some requests or no request
need: pandas would add about 33 MiB to every process, openpyxl 6 and the report parsers
2.5, whose download of 20,000 rows is to peak under 100 MB (bench/downloads.py). pandas
stays for tests and benchmarks; openpyxl is loaded by the first Excel file a process
writes, a parser by the first report it reads."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# As a gunicorn worker starts (config.wsgi), then every URL conf and the views they name.
WORKER = """
import sys
LAZY = ("pandas", "openpyxl", "inspections.ingest.parsing.pdu_report",
        "inspections.ingest.parsing.quality_impact", "inspections.ingest.parsing.regional_letter",
        "inspections.ingest.parsing.select_committee")
import config.wsgi
from django.urls import get_resolver
get_resolver().url_patterns
print(" ".join(sorted(name for name in sys.modules
                      if any(name == lazy or name.startswith(lazy + ".") for lazy in LAZY))))
"""


def test_the_app_and_its_views_leave_what_few_requests_need_unloaded():
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
