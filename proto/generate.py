"""Regenerate (or, with --check, verify) the Python code of the contract's .proto files.

    python proto/generate.py          # rewrite proto/src/netsbom/proto/v1/*_pb2*.py(i)
    python proto/generate.py --check  # exit 1 if the committed code differs from what protoc makes

The .proto files live at their import path (``src/netsbom/proto/v1/``), so protoc runs on them in
place and the generated modules import each other as ``netsbom.proto.v1``. Needs grpcio-tools
(requirements-dev.txt).
"""

from __future__ import annotations

import argparse
import filecmp
import sys
import tempfile
from importlib import resources
from pathlib import Path

SOURCE_ROOT = Path(__file__).resolve().parent / "src"
PACKAGE_PATH = Path("netsbom/proto/v1")
SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def generate(out_root: Path) -> list[Path]:
    """Compile every proto into ``out_root/netsbom/proto/v1``; return the generated files."""
    from grpc_tools import protoc

    protos = sorted((SOURCE_ROOT / PACKAGE_PATH).glob("*.proto"))
    well_known = str(resources.files("grpc_tools") / "_proto")
    (out_root / PACKAGE_PATH).mkdir(parents=True, exist_ok=True)
    args = [
        "grpc_tools.protoc",
        f"-I{SOURCE_ROOT}",
        f"-I{well_known}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        *(str(proto.relative_to(SOURCE_ROOT)) for proto in protos),
    ]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    return sorted(p for p in (out_root / PACKAGE_PATH).iterdir() if p.name.endswith(SUFFIXES))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of rewriting")
    args = parser.parse_args()
    target = SOURCE_ROOT / PACKAGE_PATH
    with tempfile.TemporaryDirectory() as tmp:
        generated = generate(Path(tmp))
        stale = [
            p.name
            for p in generated
            if not (target / p.name).exists() or not filecmp.cmp(p, target / p.name, shallow=False)
        ]
        if args.check:
            if stale:
                print(
                    f"generated protobuf code is out of date: {', '.join(stale)}", file=sys.stderr
                )
                print("run: python proto/generate.py", file=sys.stderr)
                return 1
            print("generated protobuf code is up to date")
            return 0
        for p in generated:
            (target / p.name).write_bytes(p.read_bytes())
        print(f"wrote {len(generated)} files to {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
