"""Benchmark every dashboard page kind at national size, on the production stack.

    .venv/bin/python bench/pages.py [--rounds 20] [--load-seconds 30] [--clients 50]
        [--reuse] [--sqlite-path bench/pages.db] [--postgres-url URL] [--profiles 2]

Issue 15's targets for the dashboard at national size (12 regions, about 110 PDUs, two
inspection rounds): every page kind p95 under 100 ms and server CPU p50 under 20 ms with
a warm cache, p95 under 300 ms with a cold one; at most 10 queries a page, signed out or
signed in, constant in the size of the data; page size bounded; and under 50 concurrent
clients, 4 gunicorn workers on this 2-core machine, at least 200 requests/s over the page
mix with no errors. Why a script and not a test: timings depend on the machine and take
minutes; the figures are for the README (Performance), not a pass/fail gate.

One run:

1. builds the databases (kept for --reuse, which migrates them as a release would): the
   generated demonstration data
   (`build_demo_data` with DJANGO_DEMO=true: 12 regions, 105 PDUs, two inspections each)
   with the demo accounts, on SQLite (--sqlite-path) and, with --postgres-url (a name
   ending in "bench": dropped and created), on PostgreSQL; and a small one, two PDUs a
   region (bench/pages-small.db), to see whether queries and page sizes grow with the
   data. Each is ANALYZEd after the load, as an operator would;
2. counts each page's SQL queries and its size in a Django process of its own (the test
   client, CaptureQueriesContext; production settings, Redis cache), once with the cache
   cold (the run's cache keys deleted first) and once warm, on each database;
3. serves each national database as `make serve` does (gunicorn, config/gunicorn.conf.py,
   DEBUG off, collected static files, Redis with a cache prefix of this run's) with ONE
   worker, signs in as a regional director and as an admin (the login form, CSRF and all),
   requests every page twice untimed, then --rounds rounds, one request at a time, each
   page in turn: the run's cache keys deleted, a cold request, then a warm one. Each is
   timed over HTTP (wall) and in the worker (CPU: /proc/<pid>/schedstat before the
   request and once the worker is idle again after it);
4. load: the same mix, every page in turn, --clients concurrent clients for
   --load-seconds against 4 workers (bench/loadtest.py), on each database;
5. profiles one warm request of the --profiles slowest page kinds (server CPU, warm) in
   a process of its own on SQLite (cProfile: the top 15 by cumulative time below the
   middleware, the app's own functions, the top 10 by time in the function itself);
6. prints Markdown tables for the README, each row against its target, with the run's
   time and the machine's load average while timing (it is shared: compare within a run).

The page mix: overview (signed out and as a director), a region, the PDU list, a PDU
page (signed out and as an admin) and its profile, compare a region and 6 PDUs, a
standard page, the inspections list, an inspection and a finding page, the tracker signed
out and signed in as a director and as an admin, a recommendation page, the tracker's
recurring recommendations (admin), the explorer's search and facets, themes, a theme page
and recurring recommendations (`pages_here`).

"Cold" means Redis holds nothing of this run but the signed-in's sessions (a change of the
data leaves them): each worker's own memory (the explorer's facet index, built when a
process first needs it) stays warm, as it does in production between changes to the data.
The client runs on the same machine as the server. Nothing here runs in `make test`.
Django is loaded only in subprocesses (`--task`).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a file, the script sees only bench/

from bench import loadtest  # noqa: E402
from bench.benchmark_search import postgres_database  # noqa: E402
from tests import servers  # noqa: E402

MANAGE = ROOT / "manage.py"
DEFAULT_SQLITE = ROOT / "bench" / "pages.db"
SMALL_SQLITE = ROOT / "bench" / "pages-small.db"
REDIS_URL = os.environ.get("DJANGO_REDIS_URL", "redis://127.0.0.1:6379/0")
DEMO_PASSWORD = "tracker-demo-password"  # create_demo_accounts' (local demo accounts)
DIRECTOR = "director-london"
ADMIN = "admin"
# The run's cache keys: every server and Django process of this run, and nobody else.
RUN_PREFIX = f"bench-pages-{secrets.token_hex(4)}"

TARGET_WARM_P95, TARGET_WARM_CPU, TARGET_COLD_P95 = 100, 20, 300
TARGET_QUERIES, TARGET_RPS = 10, 200
SIZE_GROWTH = 1.5
# The machine's 1-minute load average at each round: how busy it was while timing.
LOADS: list[float] = []
# The small database: two PDUs a region (one would leave a region nothing to compare).
SMALL_PER_REGION = 2  # national page over the one-PDU-a-region page: more is "grows"


class BenchmarkError(Exception):
    pass


# --- Inside Django (--task, in a subprocess) ------------------------------------------------


def pages_here() -> list[list]:
    """The page mix on this database: [name, path, username or None], every dashboard page
    kind once, the tracker three times (signed out, a director, an admin), the overview and
    a PDU page signed in too. The same kinds on any demonstration database, whatever its
    size: London's first PDU and its latest inspection, the first PDU of six regions."""
    from inspections.models import Finding, Inspection
    from pdus.models import Body
    from recommendations.models import Recommendation

    pdus = Body.objects.filter(kind=Body.Kind.PDU).order_by("region__name", "slug")
    pdu = pdus.get(slug="london-pdu-1")
    inspection = Inspection.objects.filter(body=pdu).order_by("-fieldwork_start").first()
    recommendation = Recommendation.objects.published().filter(inspection=inspection).first()
    finding = Finding.objects.filter(inspection=inspection).order_by("position").first()
    six, regions = [], set()
    for body in pdus:
        if body.region_id not in regions and len(six) < 6:
            regions.add(body.region_id)
            six.append(body.slug)
    compare_six = "/compare/?" + urllib.parse.urlencode([("pdu", slug) for slug in six])
    return [
        ["overview", "/", None],
        ["overview, director", "/", DIRECTOR],
        ["region", "/regions/london/", None],
        ["PDU list", "/pdus/", None],
        ["PDU page", f"/pdus/{pdu.slug}/", None],
        ["PDU profile", f"/pdus/{pdu.slug}/profile/", None],
        ["PDU page, admin", f"/pdus/{pdu.slug}/", ADMIN],
        ["compare a region", "/compare/?region=london", None],
        ["compare 6 PDUs", compare_six, None],
        ["standard page 2.2", "/standards/pdu/2-2-assessment/", None],
        ["inspections list", "/inspections/", None],
        ["inspection page", f"/inspections/{inspection.slug}/", None],
        ["finding page", f"/findings/{finding.pk}/", None],
        ["tracker, signed out", "/tracker/", None],
        ["tracker, director", "/tracker/", DIRECTOR],
        ["tracker, admin", "/tracker/", ADMIN],
        ["recommendation page", f"/tracker/{recommendation.pk}/", None],
        ["tracker recurring, admin", "/tracker/recurring/", ADMIN],
        ["explorer search", "/explore/?q=staff", None],
        ["explorer facets", "/explore/?type=finding&region=london&theme=risk-of-harm", None],
        ["themes", "/explore/themes/", None],
        ["theme page", "/explore/themes/risk-of-harm/", None],
        ["recurring recommendations", "/explore/recurring/", None],
    ]


def count_queries_here() -> dict:
    """Each page through the test client: {name: {cold, warm: [queries, bytes, status],
    cpu: ms}}. A first untimed request builds what a process keeps in memory (the facet
    index)."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # A page that fails is reported as its status, not a traceback that ends the run.
    clients = {None: Client(raise_request_exception=False)}
    for username in (DIRECTOR, ADMIN):
        clients[username] = Client(raise_request_exception=False)
        clients[username].force_login(get_user_model().objects.get(username=username))
    counts = {}
    for name, path, username in pages_here():
        client = clients[username]
        client.get(path)
        counts[name] = {}
        for state in ("cold", "warm"):
            if state == "cold":
                flush_cache(os.environ["DJANGO_CACHE_PREFIX"])
            with CaptureQueriesContext(connection) as context:
                response = client.get(path)
            body = b"".join(response) if response.streaming else response.content
            counts[name][state] = [len(context.captured_queries), len(body), response.status_code]
        # The page's own CPU in this process, warm (median of 3): does it grow with the data?
        cpu = []
        for _ in range(3):
            started = time.process_time()
            client.get(path)
            cpu.append((time.process_time() - started) * 1000)
        counts[name]["cpu"] = statistics.median(cpu)
    return counts


WRAPPERS = (
    r"^(?!.*(django/test/|django/core/handlers/|django/utils/deprecation\.py|middleware\.py"
    r"|/config/|/explorer/tagging\.py|contextlib\.py|django/views/generic/base\.py"
    r"|django/utils/decorators\.py))"
)


OWN_CODE = rf"^{ROOT}/(?!\.venv/|config/|bench/|inspections/explorer/tagging\.py)"


def profile_here(path: str, username: str | None, top: int = 15) -> str:
    """cProfile of one warm request of `path` (after two untimed): the top entries by
    cumulative time, and the request's own time."""
    import cProfile
    import io
    import pstats

    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    for _ in range(2):
        client.get(path)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    response = client.get(path)
    profiler.disable()
    elapsed = (time.perf_counter() - started) * 1000
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    # Below the test client, the handler and the middleware, which every page shares.
    stats.sort_stats("cumulative").print_stats(WRAPPERS, top)
    listing = _listing(out.getvalue())
    out = io.StringIO()
    stats.stream = out
    # The app's own functions (not the libraries'): which of its views, helpers and
    # template tags the time is under.
    stats.print_stats(OWN_CODE, 10)
    own = _listing(out.getvalue())
    out = io.StringIO()
    stats.stream = out
    stats.sort_stats("tottime").print_stats(10)
    hot = _listing(out.getvalue())
    return (
        f"{path} (HTTP {response.status_code}), {elapsed:.0f} ms under the profiler; "
        f"top {top} by cumulative time below the middleware:\n{listing}\n\n"
        f"The app's own code, top 10 by cumulative time:\n{own}\n\n"
        f"Top 10 by time in the function itself:\n{hot}"
    ).replace(str(ROOT) + "/", "")


def _listing(text: str) -> str:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    return "\n".join(line for line in lines[start:] if line.strip())


def django_task(task: str, argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    if task == "pages":
        print(json.dumps(pages_here()))
    elif task == "queries":
        print(json.dumps(count_queries_here()))
    elif task == "profile":
        print(profile_here(argv[0], argv[1] or None))


# --- The cache -------------------------------------------------------------------------------


# The signed-in's sessions (SESSION_ENGINE cached_db): a change of the data leaves them.
SESSION_KEYS = b"django.contrib.sessions.cached_db"


def flush_cache(prefix: str) -> int:
    """Delete every key under `prefix` (Django's keys are "prefix:version:key") but the
    sessions, as a change of the data does; how many. Never FLUSHDB: the Redis is shared
    with other servers and tests."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = [
            key
            for key in client.scan_iter(match=f"{prefix}:*", count=1000)
            if SESSION_KEYS not in key
        ]
        if keys:
            client.delete(*keys)
        return len(keys)
    finally:
        client.close()


# --- Databases ------------------------------------------------------------------------------


def build_env(database_url: str) -> dict:
    """Building: DEBUG on, as `make demo` (the demo accounts are refused without it)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "true",
        "DJANGO_DEMO": "true",
    }


def run(argv: list[str], env: dict, timeout: float = 1800) -> str:
    result = subprocess.run(  # noqa: S603 - our own argv, no shell
        argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode:
        raise BenchmarkError(f"{' '.join(argv[1:3])} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def manage(database_url: str, *args: str) -> str:
    return run([sys.executable, str(MANAGE), *args], build_env(database_url))


SMALL_BUILD = (
    "from auditlog.context import disable_auditlog\n"
    "from inspections.ingest import demo\n"
    "from inspections.explorer import search, themes\n"
    "with disable_auditlog():\n"
    f"    demo.build(2026, pdus_per_region=({SMALL_PER_REGION}, {SMALL_PER_REGION}))\n"
    "themes.tag_pending()\n"
    "search.ensure_index()\n"
)
HOLDS = (
    "from django.contrib.auth import get_user_model\n"
    "from inspections.models import Finding, Inspection\n"
    "from pdus.models import Body\n"
    "print(Body.objects.filter(kind='pdu').count(), Inspection.objects.count(), "
    "Finding.objects.count(), int(get_user_model().objects.filter(username='admin').exists()))"
)
ANALYZE = "from django.db import connection\nconnection.cursor().execute('ANALYZE')"


def holds(database_url: str) -> list[int]:
    """[PDUs, inspections, findings, 1 if the demo accounts are there]."""
    return [int(n) for n in manage(database_url, "shell", "-c", HOLDS).split()[-4:]]


def build(label: str, database_url: str, *, small: bool, reuse: bool) -> list[int]:
    """A demonstration database at `database_url`, made afresh unless --reuse finds one."""
    postgres = database_url.startswith("postgres")
    path = None if postgres else Path(urllib.parse.urlparse(database_url).path)
    exists = postgres_database(database_url, create=False) if postgres else path.exists()
    if exists and reuse:
        with contextlib.suppress(BenchmarkError):
            found = holds(database_url)
            if found[1] and found[3] and (found[0] == 12 * SMALL_PER_REGION) == small:
                # As at each release (scripts/serve.sh): the code's migrations applied.
                manage(database_url, "migrate", "--noinput", "-v", "0")
                print(f"   {label}: reusing ({found[0]} PDUs, {found[1]} inspections)", flush=True)
                return found
    started = time.perf_counter()
    if postgres:
        postgres_database(database_url, create=True)
    else:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    manage(database_url, "migrate", "--noinput", "-v", "0")
    if small:
        manage(database_url, "shell", "-c", SMALL_BUILD)
    else:
        manage(database_url, "build_demo_data")
    manage(database_url, "create_demo_accounts")
    manage(database_url, "shell", "-c", ANALYZE)
    found = holds(database_url)
    print(
        f"   {label}: built in {time.perf_counter() - started:.0f} s "
        f"({found[0]} PDUs, {found[1]} inspections, {found[2]} findings)",
        flush=True,
    )
    return found


def django_env(database_url: str) -> dict:
    """Production's settings for a Django process of the bench's own (test client)."""
    return servers.production_env(
        database_url,
        DJANGO_DEMO="true",
        DJANGO_CACHE_PREFIX=f"{RUN_PREFIX}-client",
        DJANGO_ALLOWED_HOSTS="testserver,127.0.0.1",
    )


def task(database_url: str, name: str, *argv: str) -> str:
    return run(
        [sys.executable, str(Path(__file__).resolve()), "--task", name, *argv],
        django_env(database_url),
    )


# --- Serving and timing ---------------------------------------------------------------------


@dataclass
class Gunicorn:
    base_url: str
    pid: int

    def worker(self) -> int:
        children = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        if len(children) != 1:
            raise BenchmarkError(f"gunicorn has {len(children)} workers, not one")
        return int(children[0])


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int):
    """gunicorn as scripts/serve.sh starts it (tests/servers.py's environment), with this
    run's cache prefix and the demo banner; stopped at the end."""
    servers.collect_static()
    port = servers.free_port()
    env = servers.production_env(
        database_url,
        HOST="127.0.0.1",
        PORT=str(port),
        WEB_CONCURRENCY=str(workers),
        DJANGO_CACHE_PREFIX=RUN_PREFIX,
        DJANGO_DEMO="true",
        DJANGO_REQUEST_LOG="true",  # as make serve: one JSON line a request
    )
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(  # noqa: S603 - our own argv, no shell
            [servers.GUNICORN, "--config", "config/gunicorn.conf.py", "config.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            servers._wait_until_healthy(process, base_url, log)  # noqa: SLF001
            yield Gunicorn(base_url, process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def session_cookies(base_url: str) -> dict[str, dict]:
    """{username: headers}: a session of each account, signed in through the login form
    (its CSRF token and cookie) as a user would."""
    cookies = {None: {}}
    for username in (DIRECTOR, ADMIN):
        client = servers.WebClient(base_url)
        client.sign_in(username, DEMO_PASSWORD)
        jar = {cookie.name: cookie.value for cookie in client.cookies}
        cookies[username] = {"Cookie": f"sessionid={jar['sessionid']}"}
    return cookies


def cpu_ns(pid: int) -> int:
    """Nanoseconds `pid` has run on a CPU, all its threads (schedstat: not tick-rounded)."""
    return sum(
        int((task / "schedstat").read_text().split()[0])
        for task in Path(f"/proc/{pid}/task").iterdir()
    )


def wait_idle(pid: int, timeout: float = 0.5) -> None:
    """Until the worker is no longer running or waiting for a CPU: it may still be closing
    the connection and writing its log line after the client has read the response."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state != "R":
            return
        time.sleep(0.0005)


def fetch(base_url: str, path: str, headers: dict) -> tuple[float, int, int]:
    """One request over a new connection (sync workers close it): (ms, status, bytes)."""
    parts = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, response.status, len(body)


@dataclass
class Samples:
    wall: dict = field(default_factory=lambda: {"cold": [], "warm": []})
    cpu: dict = field(default_factory=lambda: {"cold": [], "warm": []})
    bad: list = field(default_factory=list)


def time_pages(server: Gunicorn, pages, cookies, rounds: int) -> dict[str, Samples]:
    """Every page twice untimed, then `rounds` rounds of: for each page, the cache emptied,
    a cold request, a warm one. Pages take turns (a slow spell falls on all alike), and
    each round starts one page further on."""
    for _ in range(2):
        for _name, path, username in pages:
            fetch(server.base_url, path, cookies[username])
    samples = {name: Samples() for name, _, _ in pages}
    for number in range(rounds):
        for name, path, username in pages[number % len(pages) :] + pages[: number % len(pages)]:
            flush_cache(RUN_PREFIX)
            for state in ("cold", "warm"):
                worker = server.worker()
                wait_idle(worker)
                before = cpu_ns(worker)
                ms, status, _ = fetch(server.base_url, path, cookies[username])
                wait_idle(worker)
                if server.worker() != worker:
                    continue  # recycled (max_requests): this one's CPU is unknown
                samples[name].cpu[state].append((cpu_ns(worker) - before) / 1e6)
                samples[name].wall[state].append(ms)
                if status != 200:
                    samples[name].bad.append(status)
        LOADS.append(os.getloadavg()[0])
        print(f"   round {number + 1}/{rounds}, load average {LOADS[-1]:.1f}", flush=True)
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- Reporting ------------------------------------------------------------------------------


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def latency_table(samples: dict[str, Samples]) -> list[str]:
    lines = [
        "| page | warm p50 / p95 ms | warm CPU p50 ms | cold p50 / p95 ms | cold CPU p50 ms "
        "| targets: warm p95 < 100, CPU < 20, cold p95 < 300 |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, s in samples.items():
        warm, cold = s.wall["warm"], s.wall["cold"]
        warm_cpu = statistics.median(s.cpu["warm"])
        cold_cpu = statistics.median(s.cpu["cold"])
        checks = [
            p95(warm) < TARGET_WARM_P95,
            warm_cpu < TARGET_WARM_CPU,
            p95(cold) < TARGET_COLD_P95,
        ]
        verdict = " ".join(mark(ok) for ok in checks)
        if s.bad:
            verdict += f" (HTTP {sorted(set(s.bad))})"
        lines.append(
            f"| {name} | {statistics.median(warm):.0f} / {p95(warm):.0f} | {warm_cpu:.1f} "
            f"| {statistics.median(cold):.0f} / {p95(cold):.0f} | {cold_cpu:.1f} | {verdict} |"
        )
    return lines


def queries_table(national: dict, small: dict | None, pdus=(0, 0)) -> list[str]:
    """Queries (cold / warm), size and in-process CPU, at national size and, with `small`,
    at two PDUs a region (`pdus`: how many PDUs each has): whether queries are constant
    and size bounded."""
    if not small:
        lines = [
            "| page | queries cold / warm | ≤ 10 | KB | CPU ms in-process |",
            "| --- | ---: | --- | ---: | ---: |",
        ]
    else:
        lines = [
            f"| page | queries cold / warm, {pdus[0]} PDUs | {pdus[1]} PDUs | ≤ 10, constant "
            f"| KB, {pdus[0]} PDUs | {pdus[1]} PDUs | size bounded (≤ ×{SIZE_GROWTH}) "
            f"| CPU ms, {pdus[0]} PDUs | {pdus[1]} PDUs |",
            "| --- | ---: | ---: | --- | ---: | ---: | --- | ---: | ---: |",
        ]
    for name, at in national.items():
        cold, warm = at["cold"], at["warm"]
        status = "" if cold[2] == warm[2] == 200 else f" (HTTP {cold[2]})"
        under = max(cold[0], warm[0]) <= TARGET_QUERIES
        if not small:
            lines.append(
                f"| {name}{status} | {cold[0]} / {warm[0]} | {mark(under)} "
                f"| {cold[1] / 1024:.0f} | {at['cpu']:.0f} |"
            )
            continue
        little = small[name]
        constant = (little["cold"][0], little["warm"][0]) == (cold[0], warm[0])
        growth = cold[1] / little["cold"][1]
        lines.append(
            f"| {name}{status} | {little['cold'][0]} / {little['warm'][0]} "
            f"| {cold[0]} / {warm[0]} | {mark(under)} {mark(constant)} "
            f"| {little['cold'][1] / 1024:.0f} | {cold[1] / 1024:.0f} "
            f"| {mark(growth <= SIZE_GROWTH)} ×{growth:.2f} "
            f"| {little['cpu']:.0f} | {at['cpu']:.0f} |"
        )
    return lines


def load_lines(results, seconds: float, mix) -> list[str]:
    lines = loadtest.table(results, seconds, mix)
    every = sum(len(v) for v in results["latencies"].values())
    errors = sum(results["failures"].values())
    rps = every / seconds
    ok = rps >= TARGET_RPS and errors == 0
    lines.append("")
    lines.append(
        f"Target: at least {TARGET_RPS} requests/s with 0 errors: {rps:.1f} requests/s, "
        f"{errors} errors {mark(ok)}"
    )
    return lines


# --- One run --------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=20, help="Timed rounds of the mix.")
    parser.add_argument("--load-seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument(
        "--postgres-url",
        help="Also on PostgreSQL: a database whose name ends in 'bench' (dropped, created).",
    )
    parser.add_argument("--reuse", action="store_true", help="Keep databases already built.")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--profiles", type=int, default=2, help="Slowest page kinds profiled.")
    parser.add_argument("--task", help=argparse.SUPPRESS)
    args, rest = parser.parse_known_args()
    if args.task:
        django_task(args.task, rest)
        return
    try:
        Run(args).run()
    except BenchmarkError as error:
        raise SystemExit(str(error)) from None
    finally:
        flush_cache(RUN_PREFIX)
        flush_cache(f"{RUN_PREFIX}-client")


class Run:
    def __init__(self, args):
        self.args = args
        self.out: list[str] = []

    def say(self, *lines: str) -> None:
        self.out.extend(lines)

    def run(self) -> None:
        args = self.args
        started = time.perf_counter()
        targets = [("SQLite", f"sqlite:///{Path(args.sqlite_path).resolve()}")]
        if args.postgres_url:
            name = urllib.parse.urlparse(args.postgres_url).path.lstrip("/")
            if not name.endswith("bench"):
                raise BenchmarkError("The PostgreSQL database's name must end in 'bench'.")
            targets.append(("PostgreSQL", args.postgres_url))
        small_url = f"sqlite:///{SMALL_SQLITE}"
        print("== Databases", flush=True)
        sizes = {label: build(label, url, small=False, reuse=args.reuse) for label, url in targets}
        small_pdus = build("SQLite, two PDUs a region", small_url, small=True, reuse=args.reuse)[0]
        servers.collect_static()
        small_counts = json.loads(task(small_url, "queries"))
        cpu_by_page: dict[str, float] = {}
        when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        command = " ".join([".venv/bin/python bench/pages.py", *sys.argv[1:]])
        self.say(f"Run of {when}: `{command}`", "")
        for label, url in targets:
            pdus, inspections, findings, _ = sizes[label]
            print(f"== {label}: queries and sizes", flush=True)
            pages = json.loads(task(url, "pages"))
            counts = json.loads(task(url, "queries"))
            print(f"== {label}: {args.rounds} rounds, one worker", flush=True)
            with gunicorn(url, workers=1) as server:
                cookies = session_cookies(server.base_url)
                samples = time_pages(server, pages, cookies, args.rounds)
            self.say(
                f"### {label}: {pdus} PDUs, {inspections} inspections, {findings} findings",
                "",
                f"One client, one gunicorn worker; {args.rounds} rounds (p50 / p95 of "
                f"{args.rounds} requests each):",
                "",
                *latency_table(samples),
                "",
                "Queries and page size (a Django process of its own, the test client, "
                "production settings), and the page's CPU in that process (warm, median of 3):",
                "",
                *queries_table(
                    counts, small_counts if label == "SQLite" else None, (small_pdus, pdus)
                ),
                "",
            )
            if label == "SQLite":
                cpu_by_page = {n: statistics.median(s.cpu["warm"]) for n, s in samples.items()}
            if not args.skip_load:
                print(f"== {label}: load, {args.clients} clients", flush=True)
                mix = {name: path for name, path, _ in pages}
                with gunicorn(url, workers=4) as server:
                    cookies = session_cookies(server.base_url)
                    headers = {name: cookies[username] for name, _, username in pages}
                    results = loadtest.load(
                        server.base_url, args.clients, args.load_seconds, mix, headers
                    )
                self.say(
                    f"Load: {args.clients} clients for {args.load_seconds:.0f} s, 4 workers, "
                    "every page in turn, the cache warm:",
                    "",
                    *load_lines(results, args.load_seconds, mix),
                    "",
                )
        slowest = sorted(cpu_by_page, key=cpu_by_page.get, reverse=True)[: args.profiles]
        pages = {name: (path, username) for name, path, username in pages_of(targets[0][1])}
        for name in slowest:
            print(f"== Profiling {name}", flush=True)
            path, username = pages[name]
            self.say(
                f"Profile of {name} (SQLite, warm):",
                "",
                "```",
                task(targets[0][1], "profile", path, username or "").rstrip(),
                "```",
                "",
            )
        self.say(
            f"Whole run: {(time.perf_counter() - started) / 60:.1f} minutes, on "
            f"{os.cpu_count()} cores; the 1-minute load average while timing (each round) "
            f"was {min(LOADS):.1f} to {max(LOADS):.1f}, median {statistics.median(LOADS):.1f}."
        )
        print("\n" + "\n".join(self.out))


def pages_of(database_url: str) -> list[list]:
    return json.loads(task(database_url, "pages"))


if __name__ == "__main__":
    main()
