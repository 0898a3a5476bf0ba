"""Benchmark `manage.py import_reports` on a folder of 100 report texts and 20 PDFs.

    .venv/bin/python bench/import_reports.py [--rounds 3] [--jobs 1 2] [--folder PATH]
        [--seed 0] [--pdf-timeout SECONDS] [--profile]

Issue 12's target: the folder imported in under 2 minutes with `--jobs 2` on a 2-core
machine, in under 500 MB of memory. Why a script and not a test: timings depend on the
machine and take minutes; the figures are for the README, not a pass/fail gate.

One run:

1. builds the folder (in a temporary directory, or in --folder to keep it): 120 distinct
   PDUs, ten in each of the 12 regions, each a variant of one of the two published PDU
   reports (tests/ingest_fidelity/variants.py) renamed to the PDU and its region, so that
   its recommendations are addressed to "<Region> region" and the importer puts the new
   PDU there. 100 are saved as text, each with one of the corpus's changes of form
   (footers, wrapping, CR or CRLF endings, Windows-1252, C1 quotation marks, reflowed
   tables, a lost heading, new ratings); 20 are printed to PDF by Chromium
   (tests/report_pdf.py), one in every six files. Every file is a PDU of its own, so
   none replaces another's draft. The same --seed gives the same folder; a --folder
   that already holds the PDFs is not printed again;
2. times `import_reports FOLDER --jobs N` for each --jobs value in turn (A/B, so that a
   slow spell of this shared machine falls on both), --rounds times, each on a fresh
   SQLite database (migrate, then load_published_data) made before the clock starts.
   Memory: the command's process tree is read from /proc every 50 ms, giving the peak
   RSS of the main process, of the largest worker or PDF reader, and of the tree's sum;
   the kernel's peak for the largest single process (wait4's ru_maxrss) checks the
   sampling. Each run must exit 0 with "120 files. New draft: 120."; refused files are
   listed with the importer's reason;
3. prints a Markdown table of the figures, for the README, and the slowest files.

--profile instead runs cProfile over one `import_reports --jobs 1` of 20 of the files
(16 texts and 4 PDFs, spread over the folder) and prints the top 20 entries by
cumulative time, the project's own, and the top 15 by time spent in each (the profile is
kept in the temporary directory as import_reports.prof). A PDF is read in a child
process, which the profile sees only as waiting.

--pdf-timeout sets DJANGO_PDF_READ_TIMEOUT_SECONDS for the imports (the settings'
wall-clock limit on reading one PDF, 10 s by default), to see the figures when no PDF is
refused for taking longer on a busy machine.

The script does not set Django up: it drives `manage.py` in subprocesses, with
DJANGO_DEBUG=true (as hand-run commands need) and DATABASE_URL set to each database.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from django.utils.text import slugify  # noqa: E402

from tests.ingest_fidelity.variants import RECIPES, Recipe, make  # noqa: E402
from tests.report_pdf import CHROMIUM_ARGS, print_to_pdf  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
MANAGE = ROOT / "manage.py"
PYTHON = sys.executable
TEXTS, PDFS = 100, 20
EXPECTED_SUMMARY = f"{TEXTS + PDFS} files. New draft: {TEXTS + PDFS}."
SAMPLE_SECONDS = 0.05
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

# Ten real-sounding PDUs in each region (none of the published data's London PDUs, and
# no name holding a word `rename` replaces: London, Lambeth, Lewisham, Bromley).
PDUS_BY_REGION = {
    "London": [
        "Camden and Islington",
        "Hackney and City",
        "Haringey",
        "Enfield",
        "Barnet",
        "Brent",
        "Harrow",
        "Croydon",
        "Southwark",
        "Wandsworth and Merton",
    ],
    "North East": [
        "Newcastle",
        "Sunderland",
        "Gateshead",
        "South Tyneside",
        "North Tyneside",
        "Northumberland",
        "Redcar and Cleveland",
        "Middlesbrough",
        "Hartlepool",
        "Stockton",
    ],
    "North West": [
        "Liverpool North",
        "Liverpool South",
        "Wirral",
        "Sefton",
        "Knowsley and St Helens",
        "Warrington and Halton",
        "Cheshire East",
        "Cheshire West",
        "Blackburn with Darwen",
        "Preston",
    ],
    "Yorkshire and the Humber": [
        "Leeds",
        "Bradford and Calderdale",
        "Kirklees",
        "Wakefield",
        "Sheffield",
        "Rotherham",
        "Doncaster",
        "Barnsley",
        "Hull and East Riding",
        "York and North Yorkshire",
    ],
    "Greater Manchester": [
        "Bolton",
        "Bury and Rochdale",
        "Manchester North",
        "Manchester South",
        "Oldham",
        "Salford",
        "Stockport",
        "Tameside",
        "Wigan",
        "Trafford",
    ],
    "East Midlands": [
        "Derby City",
        "Derbyshire",
        "Nottingham City",
        "Nottinghamshire",
        "Leicester",
        "Leicestershire and Rutland",
        "Lincolnshire West",
        "Lincolnshire East",
        "Northamptonshire North",
        "Northamptonshire South",
    ],
    "West Midlands": [
        "Coventry",
        "Birmingham Central and South",
        "Birmingham North East",
        "Solihull",
        "Dudley and Sandwell",
        "Walsall and Wolverhampton",
        "Staffordshire",
        "Stoke-on-Trent",
        "Warwickshire",
        "Worcestershire",
    ],
    "East of England": [
        "Cambridgeshire and Peterborough",
        "Norfolk",
        "Suffolk",
        "Essex North",
        "Essex South",
        "Bedfordshire",
        "Hertfordshire",
        "Luton",
        "Southend",
        "Thurrock",
    ],
    "Wales": [
        "Cardiff and the Vale",
        "Swansea Neath Port Talbot",
        "Cwm Taf Morgannwg",
        "Gwent",
        "Dyfed Powys",
        "North Wales",
        "Bridgend",
        "Newport",
        "Wrexham",
        "Conwy",
    ],
    "South West": [
        "Bristol and South Gloucestershire",
        "Bath and North East Somerset",
        "Devon and Torbay",
        "Cornwall and Isles of Scilly",
        "Dorset",
        "Gloucestershire",
        "Plymouth",
        "Somerset",
        "Swindon and Wiltshire",
        "Exeter",
    ],
    "South Central": [
        "Southampton, Eastleigh and New Forest",
        "Portsmouth",
        "Hampshire North",
        "Isle of Wight",
        "Oxfordshire",
        "Buckinghamshire",
        "Milton Keynes",
        "Reading and West Berkshire",
        "Slough",
        "Winchester",
    ],
    "Kent, Surrey and Sussex": [
        "East Kent",
        "West Kent",
        "North Kent",
        "Medway",
        "Surrey",
        "Brighton and Hove",
        "East Sussex",
        "West Sussex",
        "Crawley",
        "Hastings",
    ],
}
SOURCES = ("lambeth", "lewisham")
# The corpus's changes of form (and new ratings), all 20 of its recipes; a recipe's
# rename_to is passed over: every file is renamed to a PDU of the benchmark's own.
TEXT_RECIPES = RECIPES
PDF_RECIPES = [Recipe("printed"), Recipe("printed, rerated", rerate=True)]


@dataclass(frozen=True)
class ReportFile:
    name: str  # the file's name in the folder
    pdu: str  # "<Place> PDU"
    region: str
    source: str
    recipe: Recipe

    @property
    def is_pdf(self) -> bool:
        return self.name.endswith(".pdf")


def plan(seed: int) -> list[ReportFile]:
    """The folder's files in name order: a PDF in every six, every PDU in one file only.

    PDUs are taken region by region in turn, so the texts and the PDFs both cover all
    twelve regions.
    """
    places = [
        (f"{names[i]} PDU", region) for i in range(10) for region, names in PDUS_BY_REGION.items()
    ]
    texts, pdfs = places[:TEXTS], places[TEXTS:]
    # Each of the corpus's recipes five times (the PDFs' ten), in an order the seed draws.
    rng = random.Random(f"bench import_reports {seed}")
    text_recipes = (TEXT_RECIPES * TEXTS)[:TEXTS]
    rng.shuffle(text_recipes)
    pdf_recipes = (PDF_RECIPES * PDFS)[:PDFS]
    rng.shuffle(pdf_recipes)
    files = []
    for number in range(1, TEXTS + PDFS + 1):
        is_pdf = number % ((TEXTS + PDFS) // PDFS) == 0
        pdu, region = pdfs.pop(0) if is_pdf else texts.pop(0)
        # Both reports among the texts and among the PDFs.
        source = SOURCES[(number // 6 if is_pdf else number) % 2]
        recipe = pdf_recipes.pop() if is_pdf else text_recipes.pop()
        name = f"{number:03d}_{slugify(pdu.removesuffix(' PDU'))}.{'pdf' if is_pdf else 'txt'}"
        files.append(ReportFile(name, pdu, region, source, recipe))
    return files


def variant(file: ReportFile, seed: int):
    """The published report renamed to the file's PDU and region and changed by its
    recipe (tests/ingest_fidelity/variants.make)."""
    return make(file.source, file.recipe, seed, pdu=(file.pdu, file.region))


def build_folder(folder: Path, seed: int) -> list[ReportFile]:
    """Write the folder's texts; print its PDFs unless they are there already."""
    files = plan(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for file in files:
        if not file.is_pdf:
            (folder / file.name).write_bytes(variant(file, seed).data)
    to_print = [file for file in files if file.is_pdf and not (folder / file.name).is_file()]
    if to_print:
        from playwright.sync_api import sync_playwright

        started = time.perf_counter()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                args=CHROMIUM_ARGS,
            )
            page = browser.new_page()
            for file in to_print:
                # Lambeth's text holds a paragraph to a line; Lewisham and Bromley's the
                # printed lines (tests/report_pdf.py).
                pdf = print_to_pdf(
                    page, variant(file, seed).text, printed_lines=file.source == "lewisham"
                )
                (folder / file.name).write_bytes(pdf)
            browser.close()
        print(f"Printed {len(to_print)} PDFs in {time.perf_counter() - started:.1f} s.")
    return files


# --- Running the command ------------------------------------------------------------------


# --pdf-timeout, if given: the settings' DJANGO_PDF_READ_TIMEOUT_SECONDS for the imports.
PDF_TIMEOUT: dict[str, str] = {}


def manage_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{database}",
        **PDF_TIMEOUT,
    }


def fresh_database(directory: Path, label: str, tries: int = 3) -> Path:
    """A migrated database holding the published data. Tried again after a pause if it
    fails: on a shared working tree, another engineer's half-saved edit can break a
    command for a moment, and should not cost the rounds already timed."""
    database = directory / f"{label}.sqlite3"
    for attempt in range(1, tries + 1):
        remove_database(database)
        try:
            for command in (["migrate", "--noinput"], ["load_published_data"]):
                subprocess.run(
                    [PYTHON, str(MANAGE), *command],
                    env=manage_env(database),
                    cwd=ROOT,
                    check=True,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            return database
        except subprocess.CalledProcessError as error:
            last = error.stderr.decode(errors="replace").strip().splitlines()[-1:]
            print(f"  making the database failed (try {attempt}): {last}", flush=True)
            if attempt == tries:
                raise
            time.sleep(30)
    raise AssertionError("unreachable")


def remove_database(database: Path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)


def _role(pid: int, root: int) -> str:
    if pid == root:
        return "main"
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "other"
    if b"inspections.ingest.parsing.pdf" in cmdline:
        return "PDF reader"
    if b"spawn_main" in cmdline:
        return "worker"
    return "other"  # multiprocessing's resource tracker


class TreeSampler(threading.Thread):
    """The RSS of a process and its descendants, read from /proc every 50 ms: the peak of
    the sum, and each role's peak for a single process (KiB)."""

    def __init__(self, root: int):
        super().__init__(daemon=True)
        self.root = root
        self.stopping = threading.Event()
        self.peak_sum = 0
        self.peak_by_role: dict[str, int] = {}
        self.roles: dict[int, str] = {}
        self.samples = 0

    def run(self):
        while not self.stopping.is_set():
            self.sample()
            self.stopping.wait(SAMPLE_SECONDS)

    def sample(self):
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as stat:
                    line = stat.read()
            except OSError:
                continue
            fields = line[line.rindex(b")") + 2 :].split()  # fields 3 onwards
            parents[int(name)] = int(fields[1])
            rss[int(name)] = int(fields[21]) * PAGE_KB
        tree, frontier = set(), [self.root]
        while frontier:
            pid = frontier.pop()
            if pid in rss and pid not in tree:
                tree.add(pid)
                frontier += [child for child, parent in parents.items() if parent == pid]
        if not tree:
            return
        self.samples += 1
        self.peak_sum = max(self.peak_sum, sum(rss[pid] for pid in tree))
        for pid in tree:
            # Read each time: a PDF reader is the worker's fork until it execs; an exiting
            # process has no command line left, and keeps the role it had.
            role = _role(pid, self.root)
            if role == "other" and pid in self.roles:
                role = self.roles[pid]
            self.roles[pid] = role
            self.peak_by_role[role] = max(self.peak_by_role.get(role, 0), rss[pid])


@dataclass
class Run:
    jobs: int
    seconds: float
    exit_code: int
    summary: str  # the command's last line
    refused: list[tuple[str, str]]  # (file, why)
    peak_sum_kb: int
    peak_by_role_kb: dict[str, int]
    kernel_max_kb: int  # wait4's ru_maxrss: the largest single process of the tree
    file_gaps: dict[str, float] = field(default_factory=dict)  # file -> seconds since the last
    processes: dict[str, int] = field(default_factory=dict)  # role -> how many were seen

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and self.summary == EXPECTED_SUMMARY


# The command as the README gives it.
COMMAND = "DJANGO_DEBUG=true .venv/bin/python manage.py import_reports FOLDER --jobs N"


def import_command(folder: Path, jobs: int) -> list[str]:
    return [PYTHON, str(MANAGE), "import_reports", str(folder), "--jobs", str(jobs)]


def time_import(folder: Path, database: Path, jobs: int, log: Path) -> Run:
    """One timed `import_reports`, its memory sampled, its outcome table read."""
    gaps: dict[str, float] = {}
    with open(log, "wb") as stdout:
        started = time.perf_counter()
        process = subprocess.Popen(
            import_command(folder, jobs),
            env=manage_env(database),
            cwd=ROOT,
            stdout=stdout,
            stderr=subprocess.PIPE,
        )
        sampler = TreeSampler(process.pid)
        sampler.start()

        def progress():
            last = started
            for raw in process.stderr:
                now = time.perf_counter()
                found = re.search(r"\] \d+/\d+ (\S+)$", raw.decode(errors="replace").rstrip())
                if found:
                    gaps[found.group(1)] = now - last
                    last = now

        reader = threading.Thread(target=progress, daemon=True)
        reader.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.stopping.set()
        sampler.join()
        reader.join()
    output = log.read_text(encoding="utf-8", errors="replace").splitlines()
    processes: dict[str, int] = {}
    for role in sampler.roles.values():
        processes[role] = processes.get(role, 0) + 1
    return Run(
        jobs=jobs,
        seconds=seconds,
        exit_code=process.returncode,
        summary=output[-1] if output else "",
        refused=refused_files(output),
        peak_sum_kb=sampler.peak_sum,
        peak_by_role_kb=sampler.peak_by_role,
        kernel_max_kb=usage.ru_maxrss,
        file_gaps=gaps,
        processes=processes,
    )


def refused_files(output: list[str]) -> list[tuple[str, str]]:
    """The outcome table's refused rows: (file, why), cut at the header's columns."""
    header = next((line for line in output if line.startswith("File  ")), None)
    if header is None:
        return []
    outcome_at, slug_at = header.index("Outcome"), header.index("Inspection")
    detail_at = header.index("To check")
    return [
        (Path(line[:outcome_at].strip()).name, line[detail_at:].strip())
        for line in output[output.index(header) + 1 :]
        if line[outcome_at:slug_at].strip() == "Refused"
    ]


# --- Reporting ----------------------------------------------------------------------------


def mib(kb: int) -> str:
    return f"{kb / 1024:.0f}"


def table(runs: list[Run], jobs_values: list[int], command: str) -> str:
    files = TEXTS + PDFS
    lines = [
        "| --jobs | rounds | median wall (s) | min wall (s) | files/s (median) "
        "| peak RSS, main (MiB) | peak RSS, largest worker (MiB) "
        "| peak RSS, largest PDF reader (MiB) | peak RSS, tree sum (MiB) "
        "| largest process, kernel (MiB) | all 120 new drafts |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    medians = {}
    for jobs in jobs_values:
        mine = [run for run in runs if run.jobs == jobs]
        seconds = [run.seconds for run in mine]
        medians[jobs] = statistics.median(seconds)

        def peak(role, mine=mine):
            values = [run.peak_by_role_kb.get(role, 0) for run in mine]
            return mib(max(values)) if any(values) else "–"

        ok = sum(run.ok for run in mine)
        lines.append(
            f"| {jobs} | {len(mine)} | {medians[jobs]:.1f} | {min(seconds):.1f} "
            f"| {files / medians[jobs]:.2f} | {peak('main')} | {peak('worker')} "
            f"| {peak('PDF reader')} | {mib(max(run.peak_sum_kb for run in mine))} "
            f"| {mib(max(run.kernel_max_kb for run in mine))} "
            f"| {'yes' if ok == len(mine) else f'{ok} of {len(mine)} runs'} |"
        )
    out = ["\n".join(lines), ""]
    if len(jobs_values) == 2:
        a, b = jobs_values
        out.append(
            f"Median wall time, --jobs {a} / --jobs {b}: {medians[a] / medians[b]:.2f}. "
            "Peaks are the highest over the rounds."
        )
    out.append(f"Command: `{command}`")
    return "\n".join(out)


def slowest_files(runs: list[Run], jobs: int, count: int = 8) -> str:
    """The files whose progress line came longest after the one before (median over the
    rounds): with --jobs 1, reading that file plus saving the file before it."""
    mine = [run for run in runs if run.jobs == jobs and run.file_gaps]
    if not mine:
        return ""
    names = mine[0].file_gaps
    median = {name: statistics.median(run.file_gaps.get(name, 0) for run in mine) for name in names}
    by_kind = {
        kind: [gap for name, gap in median.items() if name.endswith(kind)][1:]
        for kind in (".txt", ".pdf")
    }
    lines = [
        f"Per file with --jobs {jobs} (time from one progress line to the next, median "
        "over rounds; the first file's includes Django's start):",
        *(
            f"  {kind}: mean {statistics.mean(gaps):.2f} s, max {max(gaps):.2f} s"
            for kind, gaps in by_kind.items()
            if gaps
        ),
        "  slowest: "
        + ", ".join(
            f"{name} {gap:.2f} s"
            for name, gap in sorted(median.items(), key=lambda item: -item[1])[:count]
        ),
    ]
    return "\n".join(lines)


def benchmark(folder: Path, files: list[ReportFile], options) -> list[Run]:
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench_import_db_", dir="/tmp") as scratch:
        directory = Path(scratch)
        for round_number in range(1, options.rounds + 1):
            for jobs in options.jobs:
                database = fresh_database(directory, f"round{round_number}_jobs{jobs}")
                load = os.getloadavg()[0]
                run = time_import(folder, database, jobs, directory / "import.log")
                remove_database(database)
                runs.append(run)
                peaks = ", ".join(
                    f"{role} {mib(kb)}" for role, kb in sorted(run.peak_by_role_kb.items())
                )
                print(
                    f"round {round_number}, --jobs {jobs} (load {load:.1f} before): "
                    f"{run.seconds:.1f} s, exit "
                    f"{run.exit_code}, {run.summary!r}; peak RSS MiB: tree {mib(run.peak_sum_kb)}"
                    f", {peaks}, kernel {mib(run.kernel_max_kb)}; processes {run.processes}",
                    flush=True,
                )
                for name, why in run.refused:
                    print(f"  refused {name}: {why}", flush=True)
                if not run.summary:
                    print("  no output: see the log", directory / "import.log")
    return runs


def profile(folder: Path, files: list[ReportFile]):
    """cProfile of one `import_reports --jobs 1` over 16 of the texts and 4 of the PDFs."""
    import pstats

    with tempfile.TemporaryDirectory(prefix="bench_import_profile_", dir="/tmp") as scratch:
        directory = Path(scratch)
        subset = directory / "files"
        subset.mkdir()
        texts = [file for file in files if not file.is_pdf][::6][:16]
        pdfs = [file for file in files if file.is_pdf][::5]
        for file in texts + pdfs:
            (subset / file.name).symlink_to(folder / file.name)
        chosen = sorted(path.name for path in subset.iterdir())
        print(f"Profiling {len(chosen)} files, {sum(n.endswith('.pdf') for n in chosen)} PDFs.")
        database = fresh_database(directory, "profile")
        stats = directory / "import.prof"
        command = [PYTHON, "-m", "cProfile", "-o", str(stats)] + import_command(subset, 1)[1:]
        started = time.perf_counter()
        done = subprocess.run(
            command, env=manage_env(database), cwd=ROOT, capture_output=True, text=True
        )
        print(f"{time.perf_counter() - started:.1f} s, exit {done.returncode}: ", end="")
        print(done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr[-2000:])
        kept = Path(tempfile.gettempdir()) / "import_reports.prof"
        kept.write_bytes(stats.read_bytes())
        print(f"Profile kept in {kept}.")
        view = pstats.Stats(str(stats))
        view.sort_stats("cumulative").print_stats(20)
        # Below the command's own frames: the project's functions, and where time is spent.
        view.print_stats(r"/(inspections|pdus|ratings|recommendations)/", 25)
        view.sort_stats("tottime").print_stats(15)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each --jobs")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="values to compare")
    parser.add_argument("--folder", type=Path, help="build the folder here and keep it")
    parser.add_argument("--seed", type=int, default=0, help="another draw of the variants")
    parser.add_argument("--profile", action="store_true", help="profile 20 files instead")
    parser.add_argument(
        "--pdf-timeout", type=int, help="seconds a PDF may take to read (default: the settings')"
    )
    options = parser.parse_args()
    if options.pdf_timeout:
        PDF_TIMEOUT["DJANGO_PDF_READ_TIMEOUT_SECONDS"] = str(options.pdf_timeout)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench_import_reports_", dir="/tmp") as scratch:
        folder = (options.folder or Path(scratch) / "reports").resolve()
        files = build_folder(folder, options.seed)
        print(f"Folder: {folder} ({TEXTS} texts, {PDFS} PDFs).", flush=True)
        if options.profile:
            profile(folder, files)
            return
        runs = benchmark(folder, files, options)
    print()
    timeout = f"DJANGO_PDF_READ_TIMEOUT_SECONDS={options.pdf_timeout} " if PDF_TIMEOUT else ""
    print(table(runs, options.jobs, timeout + COMMAND))
    for jobs in options.jobs:
        print()
        print(slowest_files(runs, jobs))
    refused = {name: why for run in runs for name, why in run.refused}
    if refused:
        print("\nRefused files:")
        for name, why in sorted(refused.items()):
            print(f"  {name}: {why}")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    elapsed = time.perf_counter() - started
    print(f"\nWhole run: {elapsed:.0f} s (this script's own peak RSS {mib(own)} MiB).")


if __name__ == "__main__":
    main()
