"""`caret complete` as a user runs it: a subprocess with the real embedded model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from cli.complete_cmd import parse_location


def caret(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "XDG_CONFIG_HOME": str(cwd / ".config")}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
        check=False,
    )


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


def test_bad_config_names_file_and_key(tmp_path: Path) -> None:
    (tmp_path / ".caret").mkdir()
    (tmp_path / ".caret" / "config.toml").write_text('[completion]\nmax_tokens = "many"\n')
    result = caret("config", cwd=tmp_path)
    assert result.returncode == 2
    assert "config.toml: completion.max_tokens: expected int" in result.stderr


def test_config_reports_sources(tmp_path: Path) -> None:
    (tmp_path / ".caret").mkdir()
    (tmp_path / ".caret" / "config.toml").write_text("[completion]\nmax_tokens = 12\n")
    result = caret("config", "--json", "--set", "completion.debounce_ms=5", cwd=tmp_path)
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["completion.max_tokens"]["value"] == "12"
    assert rows["completion.max_tokens"]["source"].endswith(".caret/config.toml")
    assert rows["completion.debounce_ms"]["source"] == "flag"
    assert rows["models.chat.provider"]["source"] == "default"


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


BLOCKS = """calc.py
<<<<<<< SEARCH
    return a + b
=======
    return b + a
>>>>>>> REPLACE
"""


def test_apply_shows_a_diff_then_writes_with_apply(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (tmp_path / "blocks.md").write_text(BLOCKS)
    shown = caret("apply", "blocks.md", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "-    return a + b\n+    return b + a" in shown.stdout
    assert (tmp_path / "calc.py").read_text().endswith("a + b\n")
    written = caret("apply", "blocks.md", "--apply", cwd=tmp_path)
    assert written.returncode == 0 and "wrote calc.py" in written.stderr
    assert (tmp_path / "calc.py").read_text().endswith("b + a\n")


def test_apply_refuses_paths_outside_the_workspace(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / "victim.py").write_text("x = 1\n")
    (ws / "blocks.md").write_text("../victim.py\n<<<<<<< SEARCH\nx = 1\n=======\nx = 2\n>>>>>>> REPLACE\n")
    result = caret("apply", "blocks.md", "--apply", cwd=ws)
    assert result.returncode == 2 and "outside the workspace" in result.stderr
    assert (tmp_path / "victim.py").read_text() == "x = 1\n"


def test_apply_with_a_search_that_is_not_there_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    (tmp_path / "blocks.md").write_text(BLOCKS)
    result = caret("apply", "blocks.md", "--apply", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "is not in the file" in result.stderr
