"""Read commands never create or change a store, and every way of failing is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from netsbom.collector.store import open_store
from netsbom.core.cli import cli
from tests.conftest import make_record, tmpfs

READ_COMMANDS = [
    ["sbom", "export", "--network", "lab"],
    ["sbom", "diff", "--network", "lab", "--from", "2026-11-01"],
    ["inventory", "devices", "--network", "lab"],
    ["inventory", "firmware", "--network", "lab"],
    ["topology", "--network", "lab"],
    ["vuln", "assess", "--network", "lab", "--feeds", "."],
    ["vuln", "report", "--network", "lab", "--feeds", "."],
]


def _one_error_line(output: str) -> str:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1, output
    assert lines[0].startswith("Error: "), output
    assert "Traceback" not in output
    return lines[0]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_mistyped_db_is_an_error_and_no_file_is_created(
    command: list[str], tmp_path: Path
) -> None:
    typo = tmp_path / "netsbmo.db"
    result = CliRunner().invoke(cli, [*command, "--db", f"sqlite:///{typo}"])
    assert result.exit_code == 1
    assert "does not exist" in _one_error_line(result.output)
    assert not typo.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READ_COMMANDS[:5], ids=lambda c: " ".join(c[:2]))
def test_an_unreachable_postgresql_is_one_line(command: list[str]) -> None:
    url = "postgresql+psycopg://netsbom:hunter2@127.0.0.1:1/netsbom"
    result = CliRunner().invoke(cli, [*command, "--db", url])
    assert result.exit_code == 1
    line = _one_error_line(result.output)
    assert "127.0.0.1" in line and "hunter2" not in line


def test_a_store_of_an_older_schema_is_named_not_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = open_store(f"sqlite:///{path}")
    store.write([make_record()])
    with store.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    store.close()
    result = CliRunner().invoke(
        cli, ["inventory", "devices", "--network", "lab", "--db", f"sqlite:///{path}"]
    )
    assert result.exit_code == 1
    assert "netsbom collector migrate" in _one_error_line(result.output)


def test_reading_leaves_the_store_file_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    store = open_store(f"sqlite:///{path}")
    store.write([make_record()])
    store.close()
    before = path.read_bytes()
    result = CliRunner().invoke(
        cli, ["sbom", "export", "--network", "lab", "--db", f"sqlite:///{path}"]
    )
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before


def test_an_unwritable_out_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = open_store(f"sqlite:///{db}")
    store.write([make_record()])
    store.close()
    (tmp_path / "file").write_text("x")
    with tmpfs(tmp_path / "ro", "ro") as read_only:  # root ignores permissions, not this
        for out in (tmp_path / "missing" / "x.json", tmp_path / "file" / "x.json",
                    read_only / "x.json"):  # fmt: skip
            for command in (["sbom", "export"], ["inventory", "devices"], ["topology"]):
                result = CliRunner().invoke(
                    cli,
                    [*command, "--network", "lab", "--db", f"sqlite:///{db}", "--out", str(out)],
                )
                assert result.exit_code == 1, result.output
                assert f"cannot write {out}" in _one_error_line(result.output)
