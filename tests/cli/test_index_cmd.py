"""`caret index` as scripts use it: a summary (or one JSON object) on stdout, progress only on stderr."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.run import caret


def test_index_prints_json_on_stdout_and_progress_on_stderr(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"mod{i}.py").write_text(f"def f{i}(x):\n    return x + {i}\n")
    first = caret("index", "--json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    assert summary["files"] == 12 and summary["parsed"] == 12 and summary["definitions"] == 12
    assert "indexing 12/12 files" in first.stderr and "\x1b" not in first.stderr + first.stdout
    again = caret("index", "--json", cwd=tmp_path)
    assert json.loads(again.stdout)["from_cache"] == 12
    plain = caret("index", cwd=tmp_path)
    assert plain.returncode == 0 and plain.stdout.startswith("indexed 12 files (0 parsed, 12 from cache)")


def test_index_of_a_missing_workspace_exits_2_with_one_line(tmp_path: Path) -> None:
    ran = caret("index", "-w", str(tmp_path / "nope"), cwd=tmp_path)
    assert ran.returncode == 2 and ran.stderr.count("\n") == 1 and "workspace is not a folder" in ran.stderr
