"""Local ghost-text stats: what counts as accepted, and a damaged stats file never breaks `caret stats`."""

from __future__ import annotations

from pathlib import Path

from engine.ghost.stats import STATS_DIR, STATS_FILE, GhostStats, acceptance, read_events, summarize


def test_acceptance_whole_part_or_none() -> None:
    assert acceptance("return x", "return x") == "accepted"
    assert acceptance("return x", "return") == "partial"
    assert acceptance("return x", "") == ""
    assert acceptance("return x", "print") == ""


def test_events_are_written_on_flush_only(tmp_path: Path) -> None:
    stats = GhostStats(tmp_path)
    stats.shown("python", 3, 12.0)
    assert read_events(tmp_path) == []
    stats.flush()
    assert [e.event for e in read_events(tmp_path)] == ["shown"]


def test_a_damaged_line_is_skipped(tmp_path: Path) -> None:
    stats = GhostStats(tmp_path)
    stats.shown("python", 3, 12.0)
    stats.flush()
    with (tmp_path / STATS_DIR / STATS_FILE).open("a") as out:
        out.write("{not json\n")
    assert summarize(read_events(tmp_path))["shown"] == 1


def test_an_unwritable_stats_folder_loses_the_figures_quietly(tmp_path: Path) -> None:
    (tmp_path / ".caret").write_text("a file where the folder should be")
    stats = GhostStats(tmp_path)
    stats.shown("python", 3, 12.0)
    stats.flush()  # no exception: stats never break typing
    assert read_events(tmp_path) == []
