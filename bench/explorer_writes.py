"""The explorer while an admin writes: search pages timed with no writer, with a draft
edited once a second, and with a theme override made or taken away once a second.

    .venv/bin/python bench/explorer_writes.py [--sqlite-path bench/bench.db] [--seconds 20]
        [--rounds 3]

On the 100,000-finding database of bench/benchmark_search.py (run that first, or with
--reuse, to build it). The explorer is served as that benchmark serves it (runserver, one
thread, DEBUG off) with the page cache off (DJANGO_PAGE_CACHE=false), so that what is timed
is the search itself and its facet arrays, not a cached page. The three conditions take
turns, --seconds each, --rounds times: a slow spell of the machine falls on all alike.

What it shows: a write that cannot change what the public sees (a draft's) must leave the
arrays alone, and one that can change only themes (an override) must not make the next
search wait for the arrays to be rebuilt (facet_index.THEMES: renewed in the background).
Before, each made every process rebuild its arrays (about 0.3 s) before its next search:
explorer p95 went ×2.9 under draft edits and ×3.3 under overrides (issue 15).

Leaves the database as it found it: the draft is published again and the overrides deleted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.benchmark_search import (  # noqa: E402 - after the path is set
    DEFAULT_SQLITE,
    MANAGE,
    Server,
    request_ms,
)

PORT = 8769
CACHE_PREFIX = f"bench-writes-{secrets.token_hex(4)}"
URLS = (
    "/explore/?q=staff&type=finding",
    "/explore/?kind=strength",
    "/explore/?theme=risk-of-harm",
    "/explore/?q=domestic+abuse",
)

# Run by `manage.py shell`: one write a second until killed. The draft is an inspection
# made a draft for the run (its findings edited); the override is put on and taken off.
WRITER = """
import itertools, os, time
from inspections.models import Finding, Inspection, Theme, ThemeOverride
mode = {mode!r}
draft = Inspection.objects.get(pk={draft})
finding = Finding.objects.filter(inspection__is_published=True).exclude(inspection=draft).first()
theme = Theme.objects.get(slug="risk-of-harm")
for n in itertools.count():
    if os.path.exists({stop!r}):
        break
    if mode == "draft":
        edited = Finding.objects.filter(inspection=draft).first()
        edited.text = edited.text.rstrip(" .") + (" ." if n % 2 else ".")
        edited.save()
    elif n % 2 == 0:
        ThemeOverride.objects.create(theme=theme, action="add", finding=finding, reason="bench")
    else:
        for override in ThemeOverride.objects.filter(reason="bench"):
            override.delete()
    time.sleep(1)
"""

SETUP = """
from inspections.models import Inspection
draft = Inspection.objects.filter(is_published=True).order_by("-pk").first()
Inspection.objects.filter(pk=draft.pk).update(is_published=False)
print(draft.pk)
"""

TEARDOWN = """
from inspections.models import Inspection, ThemeOverride
for override in ThemeOverride.objects.filter(reason="bench"):
    override.delete()
Inspection.objects.filter(pk={draft}).update(is_published=True)
"""


def env(database_url: str) -> dict:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "false",
        "DJANGO_PAGE_CACHE": "false",
        "DJANGO_REDIS_URL": os.environ.get("DJANGO_REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_CACHE_PREFIX": CACHE_PREFIX,
    }


def shell(database_url: str, code: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own argv
        [sys.executable, str(MANAGE), "shell", "-c", code],
        env=env(database_url),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"manage.py shell failed:\n{result.stderr[-3000:]}")
    return result.stdout


def timed(base: str, seconds: float) -> list[float]:
    samples = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for path in URLS:
            elapsed, status, _ = request_ms(base + path)
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            samples.append(elapsed)
    return samples


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sqlite-path", default=str(DEFAULT_SQLITE))
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    path = Path(args.sqlite_path).resolve()
    if not path.exists():
        raise SystemExit(f"{path} does not exist: run bench/benchmark_search.py first.")
    database_url = f"sqlite:///{path}"
    draft = int(shell(database_url, SETUP).strip().splitlines()[-1])
    conditions = {"no writer": None, "a draft edited once a second": "draft"}
    conditions["a theme override once a second"] = "override"
    samples: dict[str, list[float]] = {name: [] for name in conditions}
    argv = [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{PORT}", "--noreload"]
    try:
        with Server([*argv, "--nothreading"], PORT, env(database_url), "/explore/"):
            base = f"http://127.0.0.1:{PORT}"
            timed(base, 3)  # the arrays built, templates loaded
            for round_number in range(args.rounds):
                for name, mode in conditions.items():
                    writer = None
                    stop = path.with_name(f"{path.name}.stop-writer")
                    stop.unlink(missing_ok=True)
                    if mode:
                        code = WRITER.format(mode=mode, draft=draft, stop=str(stop))
                        writer = subprocess.Popen(  # noqa: S603 - our own argv
                            [sys.executable, str(MANAGE), "shell", "-c", code],
                            env=env(database_url),
                        )
                        time.sleep(3)  # Django started, writing
                    try:
                        samples[name] += timed(base, args.seconds)
                    finally:
                        if writer:
                            # Asked to stop between writes: a writer killed inside its
                            # transaction leaves SQLite a recovery that stalls readers.
                            stop.touch()
                            writer.wait()
                            stop.unlink()
                print(f"round {round_number + 1} done", flush=True)
    finally:
        shell(database_url, TEARDOWN.format(draft=draft))
    print(
        f"\nExplorer search pages ({len(URLS)} in turn, one at a time), SQLite, page cache "
        f"off, {args.rounds} × {args.seconds:.0f} s per condition:\n"
    )
    print("| while | requests | p50 ms | p95 ms | p95 against no writer |")
    print("| --- | ---: | ---: | ---: | ---: |")
    baseline = p95(samples["no writer"])
    for name, values in samples.items():
        print(
            f"| {name} | {len(values)} | {statistics.median(values):.0f} | "
            f"{p95(values):.0f} | ×{p95(values) / baseline:.2f} |"
        )


if __name__ == "__main__":
    main()
