"""Import many published PDU reports at once, each into a draft inspection for review.

Files and folders (searched recursively for .pdf and .txt files) are read and parsed
in `--jobs` worker processes, and saved one transaction per file in the order named,
so that a refused file writes nothing and does not stop the others. The same files
again change nothing. Ends with a table of each file's outcome, and exits with status
1 if any file was refused.
"""

import multiprocessing
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from itertools import islice
from pathlib import Path

from django.core.management.base import CommandError

from inspections.ingest.importer import import_read, outcome_rows, pdf_limits
from inspections.ingest.reading import read_file, report_files
from inspections.web.audit import AuditedCommand
from pdus.models import Region


def read_ahead(pool, read, names, window):
    """`read` over `names` in the pool, in order, with at most `window` files read ahead
    of the one being saved: the workers leave this process the processor time it saves
    with, and read files do not pile up in memory."""
    pending = deque()
    remaining = iter(names)
    for name in islice(remaining, window):
        pending.append(pool.submit(read, name))
    while pending:
        done = pending.popleft().result()
        for name in islice(remaining, 1):
            pending.append(pool.submit(read, name))
        yield done


class Command(AuditedCommand):
    help = "Read PDU inspection reports (.pdf or .txt files, or folders of them) into drafts."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, help="Report files or folders.")
        parser.add_argument(
            "--region",
            help="Region slug for a new PDU whose report addresses no region's recommendations.",
        )
        parser.add_argument(
            "--jobs",
            type=int,
            default=1,
            help="Read and parse this many files at once, in worker processes (default 1).",
        )

    def handle(self, *args, paths, region, jobs, **options):
        if jobs < 1:
            raise CommandError("--jobs must be 1 or more.")
        region_obj = None
        if region:
            region_obj = Region.objects.filter(slug=region).first()
            if region_obj is None:
                raise CommandError(f"No region has the slug {region!r}.")
        files = report_files(paths)
        if not files:
            raise CommandError("No .pdf or .txt files were found in the paths given.")
        read = partial(read_file, limits=pdf_limits())
        names = [str(file) for file in files]
        if jobs == 1:
            results = self._import_all(map(read, names), len(names), region_obj)
        else:
            # Workers read and parse only; they start afresh ("spawn") rather than as
            # copies of this process, which holds a database connection.
            context = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                reads = read_ahead(pool, read, names, window=2 * jobs)
                results = self._import_all(reads, len(names), region_obj)
        # A PDF read while the workers and this process share the cores may run out of
        # time; read alone now, it is refused only if it is slow by itself.
        again = [n for n, (path, result) in enumerate(results) if result.timed_out]
        for number, index in enumerate(again, 1):
            path = results[index][0]
            self._progress(number, len(again), f"{path} (again, alone)")
            results[index] = (path, import_read(read(path), region_obj))
        self._progress_done()
        rows = outcome_rows(results)
        self._table(rows)
        refused = sum(row.refused for row in rows)
        counts = {}
        for row in rows:
            counts[row.outcome] = counts.get(row.outcome, 0) + 1
        summary = ", ".join(f"{label.lower()}: {count}" for label, count in counts.items())
        self.stdout.write(f"{len(rows)} files. {summary.capitalize()}.")
        if refused:
            raise CommandError(f"{refused} of {len(rows)} files were refused; the others imported.")

    def _import_all(self, reads, total, region):
        """Save each file as it is read, in the order named: one transaction each."""
        results = []
        for number, read in enumerate(reads, 1):
            self._progress(number, total, read.path)
            results.append((read.path, import_read(read, region)))
        return results

    def _progress(self, number, total, path):
        """A one-line bar on a terminal; a line per file in a log."""
        width = 30
        filled = width * number // total
        line = f"[{'#' * filled}{'.' * (width - filled)}] {number}/{total} {Path(path).name}"
        if sys.stderr.isatty():
            self.stderr.write(f"\r{line[:100]:<100}", ending="")
            self.stderr.flush()
        else:
            self.stderr.write(line)

    def _progress_done(self):
        if sys.stderr.isatty():
            self.stderr.write("")

    def _table(self, rows):
        headers = ("File", "Outcome", "Inspection", "To check, or why refused")
        cells = [
            (
                row.file,
                row.outcome,
                row.inspection.slug if row.inspection else "",
                row.detail,
            )
            for row in rows
        ]
        widths = [max(len(str(c[i])) for c in [headers, *cells]) for i in range(3)]
        for cell in [headers, *cells]:
            first = "  ".join(str(c).ljust(w) for c, w in zip(cell[:3], widths, strict=True))
            self.stdout.write(f"{first}  {cell[3]}".rstrip())
