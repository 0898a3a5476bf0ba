"""Giving memory back to the system after a large piece of work.

glibc's allocator keeps memory that Python has freed for its own later use, so a
serving process that once read 166,000 rows into tuples to build the explorer's facet
index held about 13 MiB more for the rest of its life than the index needs; a download
on top of that is what issue 15's peak-memory target counts (bench/downloads.py).
"""

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():
    name = ctypes.util.find_library("c")
    library = ctypes.CDLL(name) if name else None
    return getattr(library, "malloc_trim", None)  # glibc only: musl and macOS lack it


def give_back_freed_memory() -> None:
    """Return the allocator's free pages to the system, where the C library can (glibc).
    What Python freed by reference counting is free already; a garbage collection first
    would cost tens of milliseconds in a large process."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
