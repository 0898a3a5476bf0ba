"""Print the PDU report parser's fidelity figures on the variant corpus, for the README.

    .venv/bin/python bench/fidelity.py [--seed 0] [--misses]

The corpus and the rule for a flagged wrong fact are tests/ingest_fidelity/variants.py's;
tests/ingest_fidelity/test_fidelity.py holds the parser to them. Why a script as well:
the figures are a number to record (another --seed draws other footers, cuts and
ratings), not a pass/fail gate. It needs no database.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.ingest_fidelity.variants import check, corpus, figures_table, misses_table  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0, help="another draw of the corpus")
    parser.add_argument("--misses", action="store_true", help="list every wrong fact")
    options = parser.parse_args()
    results = [check(variant) for variant in corpus(options.seed)]
    print(figures_table(results))
    if options.misses:
        print(misses_table(results))


if __name__ == "__main__":
    main()
