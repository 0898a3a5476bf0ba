"""Benchmark `tag_themes` on PostgreSQL with the facet token's triggers of before and now.

    .venv/bin/python bench/tagging.py [--findings 5000] [--rounds 2]
        [--postgres-url postgres://postgres@127.0.0.1:5432/inspection_findings_tagging_bench]

Issue 15 measured `tag_themes` at 10,000 findings taking 5 min 27 s with the triggers and
7.5 s without: tagging sets theme bits with one UPDATE per tag, and the trigger renewed
the facet token's one row on each, thousands of times in one transaction, each leaving a
dead version of the row behind. Now the token moves once per transaction (and again
after a read of it), and not at all for a draft's records (inspections/explorer/
facet_index.py). Why a script and not a test: the old way takes minutes; the figures are
for the README.

The database (its name must end in `bench`; dropped and created) gets the published data
and generated inspections up to --findings (bench/benchmark_search.py's `populate`).
Then, --rounds times, each set of triggers in turn (A, B, A, B: a slow spell of this
shared machine falls on both): install it, time `manage.py tag_themes` in this process.

- before: the triggers as migration 0006 made them (inspections/migrations/frozen/0006.json);
- now: `facet_index.install_triggers`.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/inspection_findings_tagging_bench"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    args = parser.parse_args()
    if not args.postgres_url.rstrip("/").endswith("bench"):
        raise SystemExit("The database is dropped and created: its name must end in 'bench'.")
    sys.path.insert(0, str(ROOT))
    from bench.benchmark_search import populate, postgres_database

    postgres_database(args.postgres_url, create=True)
    os.environ["DATABASE_URL"] = args.postgres_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    import django

    django.setup()
    from auditlog.context import disable_auditlog
    from django.core.management import call_command
    from django.db import connection

    from inspections.explorer import facet_index

    call_command("migrate", "--noinput", verbosity=0)
    with disable_auditlog():
        counts = populate(args.findings, out=io.StringIO())
    print(f"{counts['findings']:,} findings, {counts['recommendations']:,} recommendations")

    frozen = json.loads((ROOT / "inspections/migrations/frozen/0006.json").read_text())

    def before():
        with connection.cursor() as cursor:
            for statement in frozen["install"]["postgresql"]:
                cursor.execute(statement)

    def now():
        facet_index.install_triggers(connection)

    variants = {"before: every write renews the token": before, "now": now}
    seconds = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, install in variants.items():
            install()
            started = time.perf_counter()
            with disable_auditlog():
                call_command("tag_themes", stdout=io.StringIO())
            seconds[name].append(time.perf_counter() - started)
            print(f"  {name}: {seconds[name][-1]:.1f} s", flush=True)
    now()
    print(f"\n`tag_themes` at {counts['findings']:,} findings, median of {args.rounds}:\n")
    print("| facet-token triggers | tag_themes |")
    print("|---|---|")
    for name, times in seconds.items():
        print(f"| {name} | {statistics.median(times):.1f} s |")


if __name__ == "__main__":
    main()
