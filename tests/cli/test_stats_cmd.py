"""`caret stats` as a user runs it: figures recorded by the engine, read back from `.caret/stats`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.ghost.stats import GhostStats
from tests.cli.run import caret


def test_stats_reads_what_the_engine_recorded(tmp_path: Path) -> None:
    stats = GhostStats(tmp_path)
    for ms in (100.0, 200.0, 300.0):
        stats.shown("python", 10, ms)
    stats.accepted("python", "return x", "return x")
    stats.accepted("python", "return x", "return")
    stats.shown("go", 5, 50.0)
    stats.flush()
    result = caret("stats", "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["shown"], report["accepted"], report["partly_accepted"]) == (4, 1, 1)
    assert report["by_language"]["python"]["latency_ms_p50"] == 200.0
    assert report["by_language"]["go"]["shown"] == 1


def test_stats_shows_retention_at_30_s_and_2_min_per_language(tmp_path: Path) -> None:
    stats = GhostStats(tmp_path)
    for after_s, fraction in ((30.0, 1.0), (30.0, 0.8), (120.0, 0.95), (120.0, 0.5)):
        stats.retained("python", 20, after_s, fraction)
    stats.flush()
    report = json.loads(caret("stats", "--json", cwd=tmp_path).stdout)
    assert report["retention"]["30s"] == {"checks": 2, "mean_pct": 90.0, "at_least_90_pct": 50.0}
    assert report["by_language"]["python"]["retention"]["120s"]["mean_pct"] == 72.5
    result = caret("stats", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "python       retained after 30s: mean 90.0 %, >= 90 % in 50.0 % of 2; after 120s: mean 72.5 %" in (
        result.stdout)
    assert "not measured yet" not in result.stdout


def test_stats_in_a_fresh_workspace_prints_zeros_and_says_what_is_not_measured(tmp_path: Path) -> None:
    result = caret("stats", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("all          shown 0, accepted 0")
    assert "not measured yet" in result.stdout


@pytest.mark.slow
def test_a_completion_from_the_cli_is_counted(tmp_path: Path) -> None:
    (tmp_path / "util.py").write_text("import os\n\n\ndef read_file(path):\n    \n")
    assert caret("complete", "util.py:5:5", cwd=tmp_path).returncode == 0
    report = json.loads(caret("stats", "--json", cwd=tmp_path).stdout)
    assert report["shown"] == 1 and report["by_language"]["python"]["latency_ms_p50"] > 0
