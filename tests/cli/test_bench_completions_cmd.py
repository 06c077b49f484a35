"""`caret bench-completions` as a user runs it on their own repository, with the real embedded model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.run import caret

CODE = '''import os


def read_file(path):
    with open(path) as f:
        return f.read()


def write_file(path, data):
    with open(path, "w") as f:
        f.write(data)
    return len(data)


def exists(path):
    return os.path.exists(path)
'''


def test_nothing_to_measure_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no code here\n")
    result = caret("bench-completions", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no Python code to measure" in result.stderr


def test_secret_files_are_never_measured(tmp_path: Path) -> None:
    (tmp_path / ".env.py").write_text(CODE)
    result = caret("bench-completions", cwd=tmp_path)
    assert result.returncode == 2 and "no Python code to measure" in result.stderr


@pytest.mark.slow
def test_bench_completions_scores_caret_and_the_model_alone(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text(CODE)
    result = caret("bench-completions", "--n", "4", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["sites"] == 4 and report["model"]
    for who in ("caret", "alone"):
        assert 0 <= report[who]["exact_pct"] <= 100 and report[who]["ms_p50"] > 0
