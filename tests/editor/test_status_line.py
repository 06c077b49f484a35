"""status_line composes the status bar from what is known, leaving out what is not."""

from __future__ import annotations

from editor.status import status_line


def test_a_file_with_problems_and_a_ghost_latency() -> None:
    line = status_line("src/util.py", "python", (9, 4), 2, news="indexing 1200/5000 files", ghost_ms=41.6)
    assert line == "indexing 1200/5000 files · src/util.py · python · 10:5 · 2 problems · ghost 42 ms"


def test_an_untitled_buffer_shows_only_what_is_known() -> None:
    assert status_line("", None, (0, 0), 0) == "untitled · 1:1"
    assert status_line("a.go", "go", (0, 0), 1) == "a.go · go · 1:1 · 1 problem"
