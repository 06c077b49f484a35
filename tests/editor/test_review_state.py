"""The review's decisions, hunk by hunk and file by file (pure, no screen)."""

from __future__ import annotations

from editor.review_state import ReviewState, review_files
from engine.edit import FileEdit

OLD = "a\nb\nc\nd\ne\nf\ng\nh\n"
NEW = "A\nb\nc\nd\ne\nf\ng\nH\n"


def edit(path: str, old: str = OLD, new: str = NEW, deleted: bool = False) -> FileEdit:
    return FileEdit(path, old, new, None, deleted=deleted)


def test_the_buffers_file_comes_first_and_unchanged_files_are_left_out() -> None:
    files = review_files([edit("notes.md", "", "x\n"), edit("same.py", "s\n", "s\n"), edit("calc.py")], "calc.py")
    assert [file.edit.path for file in files] == ["calc.py", "notes.md"]
    assert [len(file.hunks) for file in files] == [2, 1]


def test_deciding_moves_to_the_next_undecided_hunk_and_ends_when_all_are_decided() -> None:
    state = ReviewState()
    state.show(review_files([edit("calc.py"), edit("notes.md", "", "x\n")], "calc.py"))
    assert (state.file, state.hunk) == (0, 0)
    assert not state.decide(False)
    assert (state.file, state.hunk) == (0, 1)
    state.move_file(1)
    assert not state.decide(True)
    assert (state.file, state.hunk) == (0, 1)  # wraps round to the one left undecided
    assert state.decide(True)
    assert state.counts() == (2, 3)
    calc, notes = state.decided_edits()
    assert calc.new_text == OLD.replace("h\n", "H\n") and notes.new_text == "x\n"


def test_undecided_hunks_are_accepted_and_a_wholly_rejected_file_is_left_out() -> None:
    state = ReviewState()
    state.show(review_files([edit("calc.py"), edit("notes.md", "", "x\n")], "calc.py"))
    assert [e.new_text for e in state.decided_edits()] == [NEW, "x\n"]
    state.move(2)  # across files
    assert (state.file, state.hunk) == (1, 0)
    state.move(5)
    assert (state.file, state.hunk) == (1, 0)  # stays at the last
    state.decide(False)
    assert [e.path for e in state.decided_edits()] == ["calc.py"]


def test_a_deleted_file_is_one_hunk_kept_or_not() -> None:
    state = ReviewState()
    state.show(review_files([edit("old.py", OLD, "", deleted=True)]))
    assert state.total == 1 and state.decided_edits()[0].deleted
    assert state.decide(False) and state.decided_edits() == ()


def test_a_streamed_proposal_follows_its_end_and_forgets_decisions() -> None:
    state = ReviewState()
    state.show((), follow_end=True)
    assert state.total == 0 and not state.decide(True) and state.decided_edits() == ()
    state.show(review_files([edit("calc.py")]), follow_end=True)
    assert (state.file, state.hunk) == (0, 1) and state.decisions == {}
