"""Benchmark the memory an Excel download takes: 20,000 rows of published findings.

    .venv/bin/python bench/downloads.py [--rows 20000] [--rounds 3]

Issue 15's target: a download of 20,000 rows under 100 MB peak memory in the serving
process. Why a script and not a test: peak memory depends on the machine and the
allocator; the figures are for the README, not a pass/fail gate.

The rows are the published findings (fixtures/inspections.json) repeated to --rows, in
the explorer download's shape (one column per field a finding's row carries). Each
measurement runs in a fresh process, so one writer's garbage cannot lower another's
peak: the process builds the DataFrame, reads its resident memory, writes the workbook,
and reports the kernel's peak resident memory (ru_maxrss) above that baseline. The two
ways of writing take turns (A, B, A, B, ...), so a slow or crowded spell of this shared
machine falls on both:

- A, `pandas.to_excel`: how every download was written before issue 15;
- B, `inspections.web.exports.excel_workbook`: openpyxl's write-only mode, row by row.
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WRITERS = {"pandas.to_excel": "pandas", "excel_workbook (write-only)": "write_only"}


def findings_frame(rows: int):
    import pandas as pd

    records = json.loads((ROOT / "fixtures" / "inspections.json").read_text(encoding="utf-8"))
    findings = [r["fields"] for r in records if r["model"] == "inspections.finding"]
    frame = pd.DataFrame(findings)
    frame = pd.concat([frame] * (rows // len(frame) + 1), ignore_index=True).head(rows)
    # The download's added columns: a link and a citation per row.
    frame["link"] = [f"https://example.org/findings/{n}/" for n in range(rows)]
    frame["citation"] = frame["text"].str.slice(0, 80) + " (HM Inspectorate of Probation)"
    return frame


def resident_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def measure(writer: str, rows: int) -> None:
    """In this process: build the frame, then write it with `writer`; print JSON."""
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    django.setup()
    from inspections.web.exports import excel_workbook, safe_cells

    frame = safe_cells(findings_frame(rows))
    baseline = resident_kib()
    start = time.perf_counter()
    if writer == "pandas":
        buffer = io.BytesIO()
        frame.to_excel(buffer, index=False, sheet_name="findings")
        size = len(buffer.getvalue())
    else:
        size = len(excel_workbook(frame, "findings"))
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(
        json.dumps(
            {"peak_mib": peak / 1024, "above_mib": (peak - baseline) / 1024, "seconds": seconds}
            | {"bytes": size}
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--measure", choices=WRITERS.values(), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.rows)
        return
    results = {name: [] for name in WRITERS}
    for _ in range(args.rounds):
        for name, writer in WRITERS.items():
            output = subprocess.run(
                [sys.executable, __file__, "--measure", writer, "--rows", str(args.rows)],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[name].append(json.loads(output))
    print(f"{args.rows:,}-row Excel download, {args.rounds} rounds, median of each:\n")
    print("| writer | peak memory of the process | above the DataFrame | time | file |")
    print("|---|---|---|---|---|")
    for name, runs in results.items():

        def median(key, runs=runs):
            return statistics.median(run[key] for run in runs)

        print(
            f"| {name} | {median('peak_mib'):.0f} MiB | {median('above_mib'):.0f} MiB "
            f"| {median('seconds'):.1f} s | {median('bytes') / 2**20:.1f} MiB |"
        )


if __name__ == "__main__":
    main()
