#!/usr/bin/env bash
# Every benchmark behind the README's performance tables for issue 15, one after another,
# each printing its tables as the README shows them: the dashboard pages and the load
# test (SQLite and PostgreSQL), the explorer against Datasette, the explorer while an admin
# writes, and the downloads' memory. `make bench` runs it (the test requirements too:
# Datasette). About 8 minutes on a 2-core machine once the benchmark databases exist
# (kept under bench/, and PostgreSQL databases whose names end in "bench"); the first run
# builds them, about 10 minutes more. Needs PostgreSQL at BENCH_POSTGRES (default: this
# machine's) and Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
POSTGRES=${BENCH_POSTGRES:-postgres://postgres@127.0.0.1:5432}

echo "# Benchmarks, started $(date -u '+%Y-%m-%d %H:%M UTC')"
echo
echo "## Dashboard pages at national size, and under load"
$PY bench/pages.py --reuse --postgres-url "$POSTGRES/inspection_findings_pages_bench"
echo
echo "## The explorer against Datasette"
$PY bench/benchmark_search.py --reuse --requests 30 --postgres-url "$POSTGRES/inspection_findings_bench"
echo
echo "## The explorer while an admin writes"
$PY bench/explorer_writes.py --seconds 8 --rounds 1
echo
echo "## Download memory"
$PY bench/downloads.py --rows 20000 --rounds 2
$PY bench/downloads.py --rows 100000 --rounds 1
echo
echo "# Finished $(date -u '+%Y-%m-%d %H:%M UTC')"
