"""`caret apply` as a user runs it."""

from __future__ import annotations

from pathlib import Path

from tests.cli.run import caret

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
