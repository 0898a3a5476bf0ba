"""Load test: concurrent clients over a mix of pages against a running server.

    python bench/loadtest.py http://127.0.0.1:8000 [--clients 50] [--seconds 60]

Each client is a thread that requests the pages of MIX in turn (starting at a different
place each) as fast as the server answers, for the given time; then one table: requests,
requests per second, errors and latency percentiles for the whole mix and for each page.
Any response that is not 200 counts as an error. Standard library only, so the client
costs as little CPU as it can beside the server on the same machine.

Not part of `make test`: start the production stack first (README, "Running in
production"), e.g. `DATABASE_URL=postgres://... WEB_CONCURRENCY=4 make serve`.

`load()` and `table()` are for other benchmarks too: bench/pages.py runs its own page mix
through them, with a session cookie for the pages it requests signed in.
"""

import argparse
import http.client
import statistics
import threading
import time
import urllib.parse
from collections import defaultdict

MIX = {
    "overview": "/",
    "PDU page": "/pdus/lambeth/",
    "compare a region": "/compare/?region=london",
    "explorer search": "/explore/?q=staff",
    "explorer facets": "/explore/?type=finding&standard=4&region=london",
    "tracker": "/tracker/",
    "API list": "/api/inspections/",
    "API inspection": "/api/inspections/lambeth-pdu-2022/",
}


def client(host, port, stop_at, offset, results, lock, mix=MIX, headers=None):
    """One client: the pages of `mix` ({name: path}) in turn until `stop_at`; `headers`
    ({name: {header: value}}) adds to a page's request, e.g. a session cookie."""
    names = list(mix)
    headers = headers or {}
    i = offset
    latencies, failures = defaultdict(list), defaultdict(int)
    connection = http.client.HTTPConnection(host, port, timeout=60)
    while time.perf_counter() < stop_at:
        name = names[i % len(names)]
        i += 1
        started = time.perf_counter()
        try:
            connection.request(
                "GET", mix[name], headers={"Accept-Encoding": "gzip", **headers.get(name, {})}
            )
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            if response.getheader("Connection", "").lower() == "close":
                connection.close()
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
        latencies[name].append(time.perf_counter() - started)
        if not ok:
            failures[name] += 1
    with lock:
        for name, values in latencies.items():
            results["latencies"][name].extend(values)
            results["failures"][name] += failures[name]


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def row(label, values, failures, seconds):
    ms = [v * 1000 for v in values]
    return (
        f"| {label} | {len(ms):,} | {len(ms) / seconds:.1f} | {failures} | "
        f"{statistics.median(ms):.0f} | {percentile(ms, 0.95):.0f} | {percentile(ms, 0.99):.0f} |"
    )


def load(base_url, clients, seconds, mix=MIX, headers=None):
    """`clients` threads over `mix` for `seconds` against `base_url`: the results, for
    table(). Each page is requested once first, so a missing page fails fast."""
    parts = urllib.parse.urlsplit(base_url)
    headers = headers or {}
    results = {"latencies": defaultdict(list), "failures": defaultdict(int)}
    lock = threading.Lock()
    for name, path in mix.items():
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        connection.request("GET", path, headers=headers.get(name, {}))
        status = connection.getresponse().status
        connection.close()
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    stop_at = time.perf_counter() + seconds
    threads = [
        threading.Thread(
            target=client,
            args=(parts.hostname, parts.port, stop_at, n, results, lock, mix, headers),
        )
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def table(results, seconds, mix=MIX) -> list[str]:
    """The Markdown table of load()'s results: the whole mix, then each page."""
    every = [v for values in results["latencies"].values() for v in values]
    failures = sum(results["failures"].values())
    lines = [
        "| page | requests | requests/s | errors | p50 ms | p95 ms | p99 ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("**all**", every, failures, seconds),
    ]
    for name in mix:
        lines.append(row(name, results["latencies"][name], results["failures"][name], seconds))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base_url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    results = load(args.base_url, args.clients, args.seconds)
    print(f"{args.clients} clients for {args.seconds:.0f} s against {args.base_url}\n")
    print("\n".join(table(results, args.seconds)))
    failures = sum(results["failures"].values())
    if failures:
        raise SystemExit(f"{failures} errors")


if __name__ == "__main__":
    main()
