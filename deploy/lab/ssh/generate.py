"""Write the SSH lab's device recordings from the lab definition (../lab.yaml).

Each device directory holds ``device.yaml`` and one file per command, in the output format of
that platform (modelled on real devices; all values come from lab.yaml, so the SSH and SNMP
views of the lab agree: hostnames, serials, versions, LLDP/CDP neighbours and port names).

    python deploy/lab/ssh/generate.py            write
    python deploy/lab/ssh/generate.py --check    exit 1 when a recording is stale
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent.parent))

from netsbom.lab.ssh_lab import render_all  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    stale = render_all(HERE.parent / "lab.yaml", HERE, check=args.check)
    for path in stale:
        print(("stale: " if args.check else "wrote: ") + str(path))
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    raise SystemExit(main())
