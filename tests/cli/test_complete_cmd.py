"""`caret complete` as a user runs it: a subprocess with the real embedded model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli.complete_cmd import COLD_MAX_TOKENS, COLD_PROMPT_TOKENS, cold_settings, parse_location
from cli.main import build_parser
from tests.cli.run import caret


@pytest.mark.slow
def test_complete_prints_a_completion(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("import os\n\n\ndef read_file(path):\n    \n")
    result = caret("complete", "util.py:5:5", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout.strip().splitlines()[-1])
    assert payload["path"] == "util.py"
    assert payload["completion"].strip()
    assert payload["prompt_tokens"] > 0


def test_complete_outside_the_workspace_is_one_line(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / "secret.py").write_text("x = 1\n")
    result = caret("complete", str(tmp_path / "secret.py") + ":1:1", cwd=ws)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "outside the workspace" in result.stderr


def test_complete_on_a_binary_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "blob.py").write_bytes(b"\x00\x01" * 50)
    result = caret("complete", "blob.py:1:1", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "caret: blob.py: binary file"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a.py:3:7", (Path("a.py"), 3, 7)),
        ("a.py:3", (Path("a.py"), 3, None)),
        ("a.py", (Path("a.py"), None, None)),
        ("C:dir/a.py:2:1", (Path("C:dir/a.py"), 2, 1)),
    ],
)
def test_parse_location(text: str, expected: tuple[Path, int | None, int | None]) -> None:
    assert parse_location(text) == expected


def test_parse_location_rejects_zero() -> None:
    with pytest.raises(ValueError, match="start at 1"):
        parse_location("a.py:0:1")


def test_a_cold_call_uses_the_cold_defaults_unless_configured_or_flagged(tmp_path: Path) -> None:
    def settings(*argv: str) -> list[str]:
        return cold_settings(build_parser().parse_args(["complete", "a.py:1", "-w", str(tmp_path), *argv]))

    assert settings() == [f"completion.prompt_tokens={COLD_PROMPT_TOKENS}", f"completion.max_tokens={COLD_MAX_TOKENS}",
                          "lsp.enabled=false"]
    assert settings("--budget", "2048", "--max-tokens", "64", "--lsp") == [
        "completion.prompt_tokens=2048", "completion.max_tokens=64", "lsp.enabled=true"]
    (tmp_path / ".caret").mkdir()
    (tmp_path / ".caret" / "config.toml").write_text("[completion]\nmax_tokens = 40\n[lsp]\nenabled = true\n")
    assert settings() == [f"completion.prompt_tokens={COLD_PROMPT_TOKENS}"]  # the user's choices are kept
