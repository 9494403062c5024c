"""Regenerate (or, with --check, verify) the Python code for proto/v1/*.proto.

    python proto/generate.py          # rewrite proto/v1/*_pb2*.py(i)
    python proto/generate.py --check  # exit 1 if the committed code differs from what protoc makes

The .proto files are compiled under their import path ``netsbom/proto/v1/`` so the generated modules
import each other as ``netsbom.proto.v1``. Needs grpcio-tools (the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import sys
import tempfile
from importlib import resources
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE_PATH = Path("netsbom/proto/v1")
SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


def generate(out_root: Path) -> list[Path]:
    """Compile every proto into ``out_root/netsbom/proto/v1``; return the generated files."""
    from grpc_tools import protoc

    with tempfile.TemporaryDirectory() as tmp:
        source_root = Path(tmp)
        (source_root / PACKAGE_PATH).mkdir(parents=True)
        protos = sorted((HERE / "v1").glob("*.proto"))
        for proto in protos:
            shutil.copy(proto, source_root / PACKAGE_PATH / proto.name)
        well_known = str(resources.files("grpc_tools") / "_proto")
        (out_root / PACKAGE_PATH).mkdir(parents=True, exist_ok=True)
        args = [
            "grpc_tools.protoc",
            f"-I{source_root}",
            f"-I{well_known}",
            f"--python_out={out_root}",
            f"--pyi_out={out_root}",
            f"--grpc_python_out={out_root}",
            *(str(PACKAGE_PATH / p.name) for p in protos),
        ]
        import os

        cwd = os.getcwd()
        os.chdir(source_root)
        try:
            if protoc.main(args) != 0:
                raise SystemExit("protoc failed")
        finally:
            os.chdir(cwd)
    return sorted(p for p in (out_root / PACKAGE_PATH).iterdir() if p.name.endswith(SUFFIXES))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify instead of rewriting")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        generated = generate(Path(tmp))
        stale = [
            p.name
            for p in generated
            if not (HERE / "v1" / p.name).exists()
            or not filecmp.cmp(p, HERE / "v1" / p.name, shallow=False)
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
            shutil.copy(p, HERE / "v1" / p.name)
        print(f"wrote {len(generated)} files to {HERE / 'v1'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
