"""`netsbom lab` commands that need no running processes."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from netsbom.core.cli import cli
from tests.conftest import LAB_DATA


def test_generate_check_passes_on_the_shipped_lab() -> None:
    result = CliRunner().invoke(
        cli, ["lab", "generate", "--check", "--definition", str(LAB_DATA / "lab.yaml")]
    )
    assert result.exit_code == 0, result.output


def test_generate_check_reports_stale_recordings(tmp_path: Path) -> None:
    definition = tmp_path / "lab.yaml"
    definition.write_text((LAB_DATA / "lab.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["lab", "generate", "--check", "--definition", str(definition)]
    )
    assert result.exit_code == 1
    assert "stale:" in result.output


def test_status_without_a_running_lab(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["lab", "status", "--state-dir", str(tmp_path)])
    assert result.exit_code == 1
    assert "no running lab recorded" in result.output


def test_up_with_a_broken_definition_names_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "lab.yaml"
    broken.write_text("network: lab\ndevices: []\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["lab", "up", "--definition", str(broken), "--state-dir", str(tmp_path / "s")]
    )
    assert result.exit_code == 1
    assert f"{broken}: field 'devices'" in result.output
