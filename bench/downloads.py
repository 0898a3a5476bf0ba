"""Benchmark the memory the explorer's downloads take: 20,000 and 100,000 findings.

    .venv/bin/python bench/downloads.py [--rows 20000 100000] [--formats csv xlsx]
        [--rounds 3] [--database bench/downloads.db] [--rebuild]

Issue 15's target: a download of 20,000 rows under 100 MB peak memory in the serving
process. Why a script and not a test: peak memory depends on the machine and the
allocator; the figures are for the README, not a pass/fail gate.

The database is a SQLite file under bench/ (kept for later runs; --rebuild makes it
again) holding at least the largest --rows of published findings: the published data
and generated PDU inspections made of its findings, tagged with themes, as
bench/benchmark_search.py builds them (`populate`). What is measured is a download of
every finding (`/explore/?type=finding&format=...`) through the real view and the whole
middleware stack (Django's test Client, production settings: bench/settings.py), the
explorer's cap (search.EXPORT_LIMIT, 20,000) set to the rows wanted.

Each measurement runs in a fresh process, so one run's garbage cannot lower another's
peak. The process is made what a serving process (a gunicorn worker) is when the
download arrives: Django set up, then a 10-row download of the same kind, which loads the
URL conf and every view it names, the middleware and the facet index (a worker builds its
own). It then sets the kernel's peak resident memory back to what the process holds
(/proc/self/clear_refs), makes the download, reading a streamed body a piece at a time as
a server would, and reports the kernel's peak resident memory since (VmHWM): the peak of
the serving process, which is what issue 15's target is about; what it held before the
download; and whether pandas was loaded (a serving process should not load it:
tests/test_imports_at_startup.py). The two code paths take turns (before, after, before,
...), so a slow or crowded spell of this shared machine falls on both:

- before: the explorer's download as it was until streaming (`before_download` below, a
  copy kept only for this benchmark): every hit read at once, turned into dicts, then a
  DataFrame, then one bytes object (CSV by to_csv, Excel by write-only openpyxl);
- after: today's code, `search.download`: records read EXPORT_BATCH at a time, the CSV
  streamed, the workbook written row by row to a temporary file and sent from it.

Both write the same CSV: the script checks that their files have the same SHA-256.
"""

import argparse
import gc
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = ROOT / "bench" / "downloads.db"
PATHS = ("before", "after")
URL = "/explore/?type=finding&format={}"


def environment(database: Path) -> dict:
    # DEBUG on only to start without production's Redis; measure() turns it off.
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "true",
    }


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))  # run as a file, the script sees only bench/
    import django

    django.setup()


def status_kib(field: str) -> int:
    """A memory figure of this process from /proc/self/status: VmRSS (resident now) or
    VmHWM (the peak resident since it started or since `reset_peak`)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def reset_peak() -> bool:
    """Start this process's peak resident memory again from what it is now (Linux 4.0+),
    so that the peak measured is the download's, not starting Django's; False if not
    allowed here (the peak then includes the start)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


# --- Before: the explorer's download until it streamed, kept here only to measure it -----------


def before_download(finder, keys, file_format, absolute_url, *, query, total):
    """BEFORE. The explorer's view and `search.download` as they were: every hit hydrated
    at once, each as export_json's dict, all in one DataFrame, written to one bytes object
    (CSV and Excel only: the benchmark measures those)."""
    import pandas as pd

    from inspections.explorer.search import EXPORT_COLUMNS, export_json, export_row

    hits = finder.hydrate(keys, highlight_matches=False)  # was in the view
    results = [export_json(hit, absolute_url) for hit in hits]
    frame = pd.DataFrame([export_row(result) for result in results], columns=EXPORT_COLUMNS)
    return before_dataframe_response(frame, "inspection-findings-explorer", file_format)


def before_safe_cells(frame):
    """BEFORE. exports.safe_cells: a copy of `frame` with every text cell neutralised."""
    from pandas.api.types import is_datetime64_any_dtype, is_numeric_dtype

    from inspections.web.exports import neutralise

    safe = frame.rename(columns=neutralise)
    for position, dtype in enumerate(safe.dtypes):
        if not (is_numeric_dtype(dtype) or is_datetime64_any_dtype(dtype)):
            safe.isetitem(position, safe.iloc[:, position].map(neutralise))
    return safe


def before_dataframe_response(frame, what, file_format):
    """BEFORE. exports.dataframe_response: the whole file in one bytes object."""
    from django.http import HttpResponse

    from inspections.web.exports import FORMATS, SHEET_NAME_LENGTH, attach, download_slug

    content_type, extension = FORMATS[file_format]
    frame = before_safe_cells(frame)
    if file_format == "csv":
        body = frame.to_csv(index=False).encode("utf-8-sig")
    else:
        body = before_excel_workbook(frame, download_slug(what)[:SHEET_NAME_LENGTH])
    return attach(HttpResponse(body, content_type=content_type), what, extension)


def before_excel_workbook(frame, sheet_name) -> bytes:
    """BEFORE. exports.excel_workbook: write-only openpyxl from a DataFrame, to bytes."""
    from io import BytesIO

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from tests.dataframes import plain_value

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name)
    sheet.freeze_panes = "A2"
    last_column = get_column_letter(max(len(frame.columns), 1))
    sheet.auto_filter.ref = f"A1:{last_column}{len(frame) + 1}"
    bold = Font(bold=True)
    header = []
    for name in frame.columns:
        cell = WriteOnlyCell(sheet, value=str(name))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in frame.itertuples(index=False, name=None):
        sheet.append([plain_value(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Measuring, in a process of its own ------------------------------------------------------


def body_of(response, digest) -> int:
    """Read `response` as a server would, a piece at a time; its size in bytes."""
    size = 0
    pieces = response.streaming_content if response.streaming else [response.content]
    for piece in pieces:
        size += len(piece)
        digest.update(piece)
    response.close()
    return size


def measure(path: str, file_format: str, rows: int) -> None:
    """--measure: one download of `rows` findings by `path` in this process; print JSON."""
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from inspections.explorer import search

    # As in production: no query log (it would keep every query of the download).
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["testserver"]
    if path == "before":
        search.download = before_download
    client = Client()
    url = URL.format(file_format)
    search.EXPORT_LIMIT = 10
    body_of(client.get(url), hashlib.sha256())
    # The same address: a whole (not streamed) small file would be answered from the page
    # cache (config/page_cache.py) instead of made again.
    cache.clear()
    search.EXPORT_LIMIT = rows
    gc.collect()
    reset = reset_peak()
    baseline = status_kib("VmRSS")
    digest = hashlib.sha256()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = body_of(response, digest)
    seconds = time.perf_counter() - start
    peak = status_kib("VmHWM")
    print(
        json.dumps(
            {"peak_mib": peak / 1024, "held_mib": baseline / 1024, "seconds": seconds}
            | {"bytes": size, "sha256": digest.hexdigest(), "reset": reset}
            | {"pandas": "pandas" in sys.modules}
        )
    )


def build(findings: int) -> None:
    """--build: migrate the (new) database and fill it with at least `findings` findings."""
    setup_django()
    from auditlog.context import disable_auditlog
    from django.core.management import call_command

    from bench.benchmark_search import populate

    call_command("migrate", interactive=False, verbosity=0)
    with disable_auditlog():  # generated records, not anyone's changes
        counts = populate(findings, out=sys.stderr)
    print(json.dumps(counts))


def published_findings(database: Path) -> int:
    if not database.exists():
        return 0
    import sqlite3

    with sqlite3.connect(database) as db:
        try:
            return db.execute(
                "SELECT count(*) FROM inspections_finding f JOIN inspections_inspection i "
                "ON i.id = f.inspection_id WHERE i.is_published"
            ).fetchone()[0]
        except sqlite3.OperationalError:
            return 0


def run_self(database: Path, *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, __file__, "--database", str(database), *argv],
        capture_output=True,
        text=True,
        env=environment(database),
        cwd=ROOT,
    )
    if done.returncode:
        sys.exit(f"{' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--formats", nargs="+", choices=["csv", "xlsx"], default=["csv", "xlsx"])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", type=Path, default=DEFAULT_DATABASE)
    parser.add_argument("--rebuild", action="store_true", help="Make the database again.")
    parser.add_argument("--measure", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--format", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.format, args.rows[0])
        return
    if args.build:
        build(args.build)
        return

    database = args.database.resolve()
    wanted = max(args.rows)
    if args.rebuild or published_findings(database) < wanted:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        print(f"Building {database} with at least {wanted:,} findings...", flush=True)
        started = time.perf_counter()
        run_self(database, "--build", str(wanted))
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)

    results = {}
    for round_number in range(1, args.rounds + 1):
        for rows in args.rows:
            for file_format in args.formats:
                for path in PATHS:
                    output = run_self(
                        database,
                        *("--measure", path, "--format", file_format, "--rows", str(rows)),
                    )
                    run = json.loads(output)
                    results.setdefault((rows, file_format, path), []).append(run)
                    print(
                        f"  round {round_number}: {rows:,} {file_format} {path}: "
                        f"{run['peak_mib']:.0f} MiB peak, {run['held_mib']:.0f} MiB held, "
                        f"{run['seconds']:.1f} s, {run['bytes']:,} bytes"
                        f"{', pandas loaded' if run['pandas'] else ''}",
                        file=sys.stderr,
                        flush=True,
                    )

    for rows in args.rows if args.rounds else ():
        if "csv" in args.formats:
            digests = {run["sha256"] for path in PATHS for run in results[rows, "csv", path]}
            assert len(digests) == 1, f"before and after wrote different CSV files ({rows})"

    print(
        f"\nThe explorer's download of every finding, {args.rounds} rounds, median of each "
        f"(peak: the serving process's peak resident memory during the download; held: "
        f"what it held just before, after a 10-row download; added: the difference):\n"
    )
    print("| rows | format | path | peak | held | added | pandas loaded | time | file |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (rows, file_format, path), runs in results.items():

        def median(key, runs=runs):
            return statistics.median(run[key] for run in runs)

        peak, held = median("peak_mib"), median("held_mib")
        print(
            f"| {rows:,} | {file_format.upper()} | {path} "
            f"| {peak:,.0f} MiB ({peak * 2**20 / 1e6:,.0f} MB) | {held:,.0f} MiB "
            f"| {peak - held:,.0f} MiB | {'yes' if any(run['pandas'] for run in runs) else 'no'} "
            f"| {median('seconds'):.1f} s | {median('bytes') / 2**20:.1f} MiB |"
        )


if __name__ == "__main__":
    main()
