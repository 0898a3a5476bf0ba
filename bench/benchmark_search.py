"""Benchmark the findings explorer at scale, on SQLite and PostgreSQL, against Datasette.

    python bench/benchmark_search.py [--findings 100000] [--requests 30] [--warmup 3]
        [--reuse] [--skip-postgres] [--skip-datasette] [--sqlite-path bench/bench.db]
        [--postgres-url postgres://postgres@127.0.0.1:5432/inspection_findings_bench]

Why a script and not a test: timings depend on the machine and take minutes; the
issue asks for numbers to record (README, Performance), not a pass/fail gate.

One run:

1. builds a benchmark database on each backend (a SQLite file, and a PostgreSQL
   database whose name must end in "bench"), migrates it and fills it with at least
   --findings findings (default 100,000) made from the published ones: the fixtures'
   texts recombined across generated PDUs, regions and years, with recommendations and
   context figures in the same proportions. The search index and theme tags are
   built as in production (triggers, then tag_themes);
2. serves the app on each database (runserver, 127.0.0.1; signed-out pages from the
   cache, as deployed), the app on the SQLite file once more rendering every page (no
   page cache: the page's own work), and Datasette on the same SQLite file, all at once;
3. requests the same searches from each, in a bounded loop (--warmup untimed, then
   --requests timed, one request at a time, the servers taking turns so that a slow
   spell of the machine falls on all alike), and prints p50 and p95 latency side by side.

Databases are kept for --reuse, so later runs skip building. Nothing here runs in
`make test`. The script does not load Django itself: it drives `manage.py`, and itself
with `--populate` (which sets Django up on the benchmark database), in subprocesses.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "manage.py"
BENCH_DIR = ROOT / "bench"
DEFAULT_SQLITE = BENCH_DIR / "bench.db"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/inspection_findings_bench"
DJANGO_PORTS = {"SQLite": 8766, "PostgreSQL": 8767, "SQLite, rendered": 8768}
# The explorer as deployed serves a signed-out page from the cache until the data changes
# (config/page_cache.py); this one renders every request, to time the page's own work.
RENDERED = ("Explorer on SQLite, every page rendered", "SQLite, rendered")
# This run's cache keys only.
CACHE_PREFIX = f"bench-search-{secrets.token_hex(4)}"
DATASETTE_PORT = 8765
DATASETTE = "Datasette (same SQLite file)"

# What is timed: (name, explorer URL, Datasette table URL over the findings table or None).
# Datasette's equivalent is its own search-and-facets page on the same FTS5 index: the
# findings table only, unranked (in rowid order), with facets on that table's own columns
# (its facets cannot follow joins to region, body or theme). The explorer by default
# searches findings, recommendations and figures, ranks by relevance and counts nine
# facets; "findings only" narrows it to the records Datasette searches.
FINDINGS = "/bench/inspections_finding"
DS_FACETS = "_facet=kind&_facet=section_id&_facet=inspection_id&_size=20"
CASES = [
    (
        "Search: staff (a third of all records)",
        "/explore/?q=staff",
        f"{FINDINGS}?_search=staff&{DS_FACETS}",
    ),
    (
        "Search: staff, findings only",
        "/explore/?q=staff&type=finding",
        f"{FINDINGS}?_search=staff&{DS_FACETS}",
    ),
    (
        "Search: domestic abuse",
        "/explore/?q=domestic+abuse",
        f"{FINDINGS}?_search=domestic+abuse&{DS_FACETS}",
    ),
    (
        'Search: "management oversight" (phrase)',
        "/explore/?q=%22management+oversight%22",
        f"{FINDINGS}?_search=%22management+oversight%22&{DS_FACETS}",
    ),
    (
        "Search: accommodation OR housing",
        "/explore/?q=accommodation+OR+housing",
        f"{FINDINGS}?_search=accommodation+OR+housing&_searchmode=raw&{DS_FACETS}",
    ),
    (
        "Search + 2 facets: staff, improvement, a region",
        "/explore/?q=staff&kind=improvement&region=region-3",
        f"{FINDINGS}?_search=staff&kind=improvement&{DS_FACETS}",
    ),
    (
        "Search, a later page (5; Datasette: its next page)",
        "/explore/?q=risk&page=5",
        f"{FINDINGS}?_search=risk&{DS_FACETS}&_next=80",
    ),
    (
        "Facets only: strengths",
        "/explore/?kind=strength",
        f"{FINDINGS}?kind=strength&{DS_FACETS}",
    ),
    ("Facets only: a theme", "/explore/?theme=risk-of-harm", None),
    ("Browse everything (no words)", "/explore/", f"{FINDINGS}?{DS_FACETS}"),
    ("Theme page", "/explore/themes/risk-of-harm/", None),
    ("Themes", "/explore/themes/", None),
    ("Recurring recommendations", "/explore/recurring/", None),
]

YEARS = (2019, 2020, 2021, 2022, 2023)
FINDINGS_PER_INSPECTION = 70


# --- Building the data -------------------------------------------------------------------


def populate(findings_wanted: int, seed: int = 20221001, out=sys.stdout) -> dict[str, int]:
    """Fill an empty, migrated database with the published data and generated inspections
    until it holds at least `findings_wanted` findings; the counts."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from inspections.explorer import search, themes
    from inspections.models import ContextFigure, Finding, Inspection, SourceDocument
    from pdus.models import Body, Region
    from ratings.models import Programme
    from recommendations.models import Recommendation

    rng = random.Random(seed)
    call_command("load_published_data", verbosity=0)
    templates = list(
        Finding.objects.filter(inspection__programme__slug="pdu").values(
            "text", "kind", "section_id", "source_section"
        )
    )
    sentences = [s.strip() + "." for t in templates for s in t["text"].split(". ") if len(s) > 40]
    recommendation_texts = list(Recommendation.objects.values_list("text", flat=True))
    figure_labels = list(ContextFigure.objects.values_list("label", "category", "unit"))
    programme = Programme.objects.get(slug="pdu")
    national = Body.objects.filter(kind="national").first()
    # Each generated inspection is the size of a published PDU report: 70 findings, with
    # recommendations and figures in the published data's proportions to findings.
    per_inspection = min(FINDINGS_PER_INSPECTION, len(templates))
    share = per_inspection / Finding.objects.count()
    recommendations_each = min(len(recommendation_texts), round(share * len(recommendation_texts)))
    figures_each = min(len(figure_labels), round(share * len(figure_labels)))
    inspections_needed = -(-max(0, findings_wanted - Finding.objects.count()) // per_inspection)
    regions = [
        Region.objects.get_or_create(slug=f"region-{n}", defaults={"name": f"Region {n}"})[0]
        for n in range(1, 13)
    ]
    pdus_needed = -(-inspections_needed // len(YEARS))
    out.write(f"Generating {inspections_needed} inspections of {pdus_needed} PDUs...\n")
    started = time.perf_counter()
    with transaction.atomic():
        bodies = Body.objects.bulk_create(
            Body(
                name=f"Generated PDU {n}",
                short_name=f"Generated {n}",
                slug=f"generated-pdu-{n}",
                kind="pdu",
                region=regions[n % len(regions)],
            )
            for n in range(1, pdus_needed + 1)
        )
        document = SourceDocument.objects.create(
            filename="generated_benchmark.txt",
            title="Generated benchmark report",
            kind=SourceDocument.Kind.PDU_REPORT,
            author="Benchmark",
        )
        made = 0
        for body in bodies:
            for year in YEARS:
                if made == inspections_needed:
                    break
                made += 1
                inspection = Inspection.objects.create(
                    slug=f"{body.slug}-{year}",
                    title=f"An inspection of probation services in: {body.name}",
                    body=body,
                    programme=programme,
                    source_document=document,
                    fieldwork_start=date(year, 1 + made % 12, 1),
                )
                where = {"source_document": document, "source_line": 1}
                Finding.objects.bulk_create(
                    Finding(
                        inspection=inspection,
                        section_id=t["section_id"],
                        kind=t["kind"],
                        # A published finding, often with a sentence of another: texts vary
                        # as real ones do, with the real words at their real frequencies.
                        text=t["text"]
                        + (f" {rng.choice(sentences)}" if rng.random() < 0.5 else ""),
                        position=position,
                        source_section=t["source_section"],
                        **where,
                    )
                    for position, t in enumerate(rng.sample(templates, per_inspection), 1)
                )
                Recommendation.objects.bulk_create(
                    Recommendation(
                        inspection=inspection,
                        number=n,
                        position=n,
                        addressee=body if n % 3 else (national or body),
                        addressee_label=body.name,
                        text=text,
                        source_section="Recommendations",
                        **where,
                    )
                    for n, text in enumerate(
                        rng.sample(recommendation_texts, recommendations_each), 1
                    )
                )
                ContextFigure.objects.bulk_create(
                    ContextFigure(
                        body=body,
                        inspection=inspection,
                        category=category,
                        label=label,
                        value=rng.randint(1, 500),
                        value_text="1",
                        unit=unit,
                        source_section="Context",
                        **where,
                    )
                    for label, category, unit in rng.sample(figure_labels, figures_each)
                )
    out.write(f"  inserted in {time.perf_counter() - started:.0f} s\n")
    started = time.perf_counter()
    themes.tag_all()
    out.write(f"  tagged with themes in {time.perf_counter() - started:.0f} s\n")
    optimise(connection)
    search.ensure_index(connection)
    return {
        "findings": Finding.objects.count(),
        "recommendations": Recommendation.objects.count(),
        "figures": ContextFigure.objects.count(),
        "inspections": Inspection.objects.count(),
    }


def optimise(conn) -> None:
    """What an operator does after a bulk load: fresh planner statistics, merged FTS5
    segments and, on PostgreSQL, tables compacted: tagging sets each record's theme bits
    with one UPDATE a tag (a trigger), which leaves the findings table nearly three times
    its size in dead rows until VACUUM FULL, and every search reads that table's pages."""
    with conn.cursor() as cursor:
        if conn.vendor == "sqlite":
            for _, table, _ in SEARCHED_TABLES():
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM FULL ANALYZE")


def SEARCHED_TABLES():  # noqa: N802 - a constant that needs the app loaded
    from inspections.explorer.search import SEARCHED

    return SEARCHED


# --- Timing ------------------------------------------------------------------------------


class BenchmarkError(Exception):
    """The benchmark cannot go on; the message says why."""


@dataclass
class Timing:
    p50: float
    p95: float
    status: int
    size: int


def request_ms(url: str, timeout: float = 60) -> tuple[float, int, int]:
    """One whole request of `url`: (milliseconds, status, size of the body)."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return (time.perf_counter() - started) * 1000, status, len(body)


def time_urls(urls: dict[str, str], warmup: int, requests: int) -> dict[str, Timing]:
    """Request each of `urls` ({server: url}) `warmup` times untimed, then `requests` times
    timed, taking the servers in turn, one request at a time: a slower or faster spell of
    the machine then falls on every server alike."""
    for url in urls.values():
        for _ in range(warmup):
            request_ms(url)
    samples = {server: [] for server in urls}
    last = {}
    for _ in range(requests):
        for server, url in urls.items():
            elapsed, status, size = request_ms(url)
            samples[server].append(elapsed)
            last[server] = (status, size)
    timings = {}
    for server, times in samples.items():
        times.sort()
        p95 = times[min(len(times) - 1, max(0, round(0.95 * len(times)) - 1))]
        timings[server] = Timing(statistics.median(times), p95, *last[server])
    return timings


class Server:
    """A server process on 127.0.0.1, started and stopped by this script only."""

    def __init__(self, args: list[str], port: int, env: dict, ready_path: str):
        self.args, self.port, self.env, self.ready_path = args, port, env, ready_path
        self.process = None

    def __enter__(self):
        # Its log to a file, not a pipe: runserver logs every request, and a pipe nobody
        # reads fills after a thousand or so, blocking the server mid-request for good.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __exit__
        self.process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            self.args,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise BenchmarkError(f"{self.args[0]} stopped: {self.log.read().decode()[-2000:]}")
            try:
                with urllib.request.urlopen(  # noqa: S310
                    f"http://127.0.0.1:{self.port}{self.ready_path}", timeout=5
                ):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        self.__exit__()
        raise BenchmarkError(f"{self.args} did not answer on port {self.port} within 60 s.")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


class Benchmark:
    """One run: build the databases, serve them, time the searches, report."""

    def __init__(self, args: argparse.Namespace):
        self.args = args

    def run(self) -> None:
        args = self.args
        started = time.perf_counter()
        targets = [("SQLite", f"sqlite:///{Path(args.sqlite_path).resolve()}")]
        if not args.skip_postgres:
            name = urllib.parse.urlparse(args.postgres_url).path.lstrip("/")
            if not name.endswith("bench"):
                raise BenchmarkError(
                    "The PostgreSQL benchmark database's name must end in 'bench'."
                )
            targets.append(("PostgreSQL", args.postgres_url))
        for port in (*DJANGO_PORTS.values(), DATASETTE_PORT):
            if not port_is_free(port):
                raise BenchmarkError(f"Port {port} on 127.0.0.1 is in use.")
        counts = {}
        for label, url in targets:
            counts[label] = self.build(label, url)
        servers = [(f"Explorer on {label}", label, url, {}) for label, url in targets]
        servers.insert(1, (*RENDERED, targets[0][1], {"DJANGO_PAGE_CACHE": "false"}))
        results = self.time_all(servers, Path(args.sqlite_path).resolve())
        self.report(results, counts, time.perf_counter() - started)

    # -- building --

    def env(self, database_url: str) -> dict:
        return {**os.environ, "DATABASE_URL": database_url, "DJANGO_DEBUG": "true"}

    def run_python(self, database_url: str, *argv: str) -> str:
        """Run a Python script of ours on `database_url`: its output, or BenchmarkError."""
        result = subprocess.run(  # noqa: S603 - our own argv, no shell
            [sys.executable, *argv],
            env=self.env(database_url),
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode:
            command = " ".join([Path(argv[0]).name, *argv[1:]])
            raise BenchmarkError(f"{command} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def manage(self, database_url: str, *args: str) -> str:
        return self.run_python(database_url, str(MANAGE), *args)

    def findings_in(self, url: str) -> int:
        out = self.manage(
            url,
            "shell",
            "-c",
            "from inspections.models import Finding; print(Finding.objects.count())",
        )
        return int(out.strip().splitlines()[-1])

    def build(self, label: str, url: str) -> str:
        args = self.args
        print(f"== {label}: {url}", flush=True)
        if label == "SQLite":
            path = Path(urllib.parse.urlparse(url).path)
            exists = path.exists()
        else:
            exists = self.postgres_database(url, create=False)
        if exists and args.reuse:
            try:
                found = self.findings_in(url)
            except BenchmarkError:
                found = 0
            if found >= args.findings:
                print(f"   reusing: {found} findings", flush=True)
                return self.manage(url, "shell", "-c", COUNTS).strip().splitlines()[-1]
        if label == "SQLite":
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            self.postgres_database(url, create=True)
        started = time.perf_counter()
        self.manage(url, "migrate", "--noinput", "-v", "0")
        out = self.run_python(
            url, str(Path(__file__).resolve()), "--populate", "--findings", str(args.findings)
        )
        print("   " + out.strip().replace("\n", "\n   "))
        print(f"   built in {time.perf_counter() - started:.0f} s", flush=True)
        return out.strip().splitlines()[-1]

    def postgres_database(self, url: str, *, create: bool) -> bool:
        return postgres_database(url, create=create)

    # -- timing --

    def explorer_server(self, port: str, database_url: str, extra_env: dict) -> Server:
        argv = [
            sys.executable,
            str(MANAGE),
            "runserver",
            f"127.0.0.1:{DJANGO_PORTS[port]}",
            "--noreload",
            # One thread, as a production worker: its database connection is kept between
            # requests (CONN_MAX_AGE) instead of opened for each request's new thread.
            "--nothreading",
        ]
        # As deployed: DEBUG off (no query log, cached templates); see bench/settings.py.
        env = {
            **self.env(database_url),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DJANGO_HTTPS": "false",
            "DJANGO_REDIS_URL": os.environ.get("DJANGO_REDIS_URL", "redis://127.0.0.1:6379/0"),
            "DJANGO_CACHE_PREFIX": CACHE_PREFIX,
            **extra_env,
        }
        return Server(argv, DJANGO_PORTS[port], env, "/explore/themes/")

    def datasette_server(self, database: Path) -> Server | None:
        datasette = Path(sys.executable).with_name("datasette")
        if not datasette.exists():
            print("Datasette is not installed (requirements-dev.txt); skipped.", file=sys.stderr)
            return None
        argv = [
            str(datasette),
            "serve",
            "-i",  # immutable: Datasette's fastest mode for a file that does not change
            str(database),
            "-h",
            "127.0.0.1",
            "-p",
            str(DATASETTE_PORT),
            # Let every facet finish rather than time out, and no facet suggestions: the
            # explorer computes only the facets it shows, so Datasette does the same.
            "--setting",
            "facet_time_limit_ms",
            "10000",
            "--setting",
            "sql_time_limit_ms",
            "20000",
            "--setting",
            "suggest_facets",
            "off",
        ]
        return Server(argv, DATASETTE_PORT, os.environ.copy(), "/-/versions.json")

    def time_all(self, explorers, database: Path) -> dict[str, dict[str, Timing]]:
        """Serve the explorer on each database (and on SQLite once more with no page cache)
        and Datasette on the SQLite file, all at once, and time each query on each server in
        turn (see time_urls)."""
        args = self.args
        results: dict[str, dict[str, Timing]] = {column: {} for column, *_ in explorers}
        with contextlib.ExitStack() as servers:
            for _, port, url, extra_env in explorers:
                servers.enter_context(self.explorer_server(port, url, extra_env))
            datasette = None if args.skip_datasette else self.datasette_server(database)
            if datasette is not None:
                servers.enter_context(datasette)
                results[DATASETTE] = {}
            for name, path, case in CASES:
                urls = {
                    column: f"http://127.0.0.1:{DJANGO_PORTS[port]}{path}"
                    for column, port, _, _ in explorers
                }
                if datasette is not None and case is not None:
                    # Datasette names a database after its file: bench.db is /bench/.
                    urls[DATASETTE] = f"http://127.0.0.1:{DATASETTE_PORT}" + case.replace(
                        "/bench/", f"/{database.stem}/", 1
                    )
                timings = time_urls(urls, args.warmup, args.requests)
                for server, timing in timings.items():
                    results[server][name] = timing
                print(
                    f"   {name}: "
                    + ", ".join(f"{server} {t.p50:.0f}" for server, t in timings.items()),
                    flush=True,
                )
        return results

    # -- reporting --

    def report(self, results, counts, elapsed: float) -> None:
        args = self.args
        columns = list(results)
        print()
        print(
            f"Latency in ms, p50 / p95 of {args.requests} sequential requests after "
            f"{args.warmup} untimed, each a whole page over HTTP on 127.0.0.1, the "
            "servers taking turns request by request; the explorer with DEBUG off under "
            "runserver (one thread), Datasette immutable under its uvicorn."
        )
        for label, line in counts.items():
            print(f"{label}: {line}")
        print("| Query | " + " | ".join(columns) + " |")
        print("|" + " --- |" * (len(columns) + 1))
        for name, _, _ in CASES:
            cells = []
            for column in columns:
                timing = results[column].get(name)
                if timing is None:
                    cells.append("n/a")
                elif timing.status != 200:
                    cells.append(f"HTTP {timing.status}")
                else:
                    cells.append(f"{timing.p50:.0f} / {timing.p95:.0f}")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print(f"Whole run: {elapsed / 60:.1f} minutes.")


COUNTS = (
    "from inspections.models import Finding, ContextFigure, Inspection; "
    "from recommendations.models import Recommendation; "
    "print(f'findings={Finding.objects.count()} recommendations={Recommendation.objects.count()} "
    "figures={ContextFigure.objects.count()} inspections={Inspection.objects.count()}')"
)


def postgres_database(url: str, *, create: bool) -> bool:
    """Whether the benchmark database exists; with create, drop and create it afresh."""
    import psycopg2

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            exists = cursor.fetchone() is not None
            if create:
                if exists:
                    cursor.execute(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = %s AND pid <> pg_backend_pid()",
                        [name],
                    )
                    cursor.execute(f'DROP DATABASE "{name}"')
                cursor.execute(f'CREATE DATABASE "{name}"')
        return exists
    finally:
        admin.close()


def populate_here(findings: int) -> None:
    """--populate: fill the benchmark database in DATABASE_URL (run in a subprocess)."""
    sys.path.insert(0, str(ROOT))  # run as a file, the script sees only bench/
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from auditlog.context import disable_auditlog

    # Generated records, not anyone's changes: kept out of the audit log.
    with disable_auditlog():
        counts = populate(findings)
    print(" ".join(f"{k}={v}" for k, v in counts.items()))


def main():
    parser = argparse.ArgumentParser(
        description="Build a 100,000-finding dataset on SQLite and PostgreSQL and report "
        "p50/p95 latency of the explorer's search and facet pages beside Datasette on the "
        "same SQLite file."
    )
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per URL.")
    parser.add_argument("--warmup", type=int, default=3, help="Untimed requests first.")
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES,
        help="The benchmark database; its name must end in 'bench'. Created if missing.",
    )
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--skip-datasette", action="store_true")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="Keep benchmark databases that already hold enough findings.",
    )
    parser.add_argument("--populate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.populate:
        populate_here(args.findings)
        return
    try:
        Benchmark(args).run()
    except BenchmarkError as error:
        raise SystemExit(str(error)) from None


if __name__ == "__main__":
    main()
