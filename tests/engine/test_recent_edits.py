"""Recent edits: keystrokes in one place grow one hunk; hunks elsewhere keep their lines as lines move."""

from __future__ import annotations

from engine.recent_edits import Hunk, RecentEdits, recent_edit_items

BASE = "a\nb\nc\nd\ne\nf\ng\nh\n"


def typed(history: RecentEdits, path: str, *texts: str) -> None:
    for text in texts:
        history.note(path, text)


def test_the_first_snapshot_only_records_the_file() -> None:
    history = RecentEdits()
    history.note("x.py", BASE)
    assert history.hunks("x.py") == []


def test_keystrokes_on_one_line_grow_one_hunk() -> None:
    history = RecentEdits()
    typed(history, "x.py", BASE, BASE.replace("b\n", "bo\n"), BASE.replace("b\n", "box\n"))
    assert [(h.start, h.old, h.new) for h in history.hunks("x.py")] == [(1, ("b",), ("box",))]


def test_a_new_line_typed_under_an_edit_joins_it() -> None:
    history = RecentEdits()
    typed(history, "x.py", BASE, BASE.replace("b\n", "b2\n"), BASE.replace("b\n", "b2\nnew\n"))
    assert [(h.start, h.old, h.new) for h in history.hunks("x.py")] == [(1, ("b",), ("b2", "new"))]


def test_an_edit_elsewhere_is_a_new_hunk_and_shifts_the_ones_below() -> None:
    history = RecentEdits()
    one = BASE.replace("g\n", "G\n")
    two = one.replace("b\n", "b\nextra\n")
    typed(history, "x.py", BASE, one, two)
    assert [(h.start, h.old, h.new) for h in history.hunks("x.py")] == [(7, ("g",), ("G",)), (2, (), ("extra",))]


def test_typing_then_deleting_leaves_nothing() -> None:
    history = RecentEdits()
    typed(history, "x.py", BASE, BASE.replace("c\n", "cc\n"), BASE)
    assert history.hunks("x.py") == []


def test_only_the_newest_hunks_per_file_are_kept() -> None:
    history = RecentEdits(per_file=2)
    text = BASE
    typed(history, "x.py", text)
    for letter in "aceg":
        text = text.replace(f"{letter}\n", f"{letter.upper()}\n")
        history.note("x.py", text)
    assert [h.new for h in history.hunks("x.py")] == [("E",), ("G",)]


def test_items_leave_out_hunks_inside_the_prompt_window() -> None:
    hunks = [Hunk("x.py", 2, ("b",), ("B",), 1), Hunk("x.py", 40, ("q",), ("Q",), 2), Hunk("y.py", 3, (), ("z",), 3)]
    items = recent_edit_items(hunks, "x.py", (0, 20))
    assert [(i.path, i.text) for i in items] == [("x.py", "-q\n+Q\n"), ("y.py", "+z\n")]
