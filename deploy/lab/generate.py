"""Regenerate the lab's SNMP recordings (snmp/*.snmprec) from lab.yaml.

    python deploy/lab/generate.py            # write every recording
    python deploy/lab/generate.py --check    # exit 1 and name the stale ones, write nothing

The rendering lives in ``netsbom.lab.snmprec`` so the tests check the same code path.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from netsbom.lab.definition import load_lab
from netsbom.lab.snmprec import stale, write_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--definition", type=Path, default=Path(__file__).with_name("lab.yaml"))
    parser.add_argument("--check", action="store_true", help="only report stale recordings")
    args = parser.parse_args(argv)
    lab = load_lab(args.definition)
    if args.check:
        outdated = stale(lab)
        for path in outdated:
            print(f"stale: {path}", file=sys.stderr)
        return 1 if outdated else 0
    for path in write_all(lab):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
