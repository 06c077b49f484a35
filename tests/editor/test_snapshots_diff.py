"""What the diff review of a proposed edit looks like: an SVG snapshot (pytest-textual-snapshot) of a two-file
proposal, its first file's two hunks decided (one accepted, one rejected), coloured by the theme."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot

from editor.app import CaretApp
from editor.diff_review import ProposalReview
from editor.inline_edit import review_proposal
from engine.edit import EditProposal, EditRequest, FileEdit
from engine.session import Session
from tests.editor.pilot import wait_for

WORKSPACE = Path(__file__).parent / "fixtures" / "snapshot_ws"
FLAGS = {"completion.enabled": "false", "lsp.enabled": "false"}
OLD = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n\n\nprint(add(1, 2))\n"
NEW = OLD.replace("def add(a, b):", "def add(a: int, b: int) -> int:").replace("(1, 2)", "(2, 3)")


def make_app(tmp_path: Path) -> CaretApp:
    root = tmp_path / "snapshot_ws"
    shutil.copytree(WORKSPACE, root)
    (root / "calc.py").write_text(OLD)
    return CaretApp(Session.open(root, env={}, flags=FLAGS), open_path=root / "calc.py")


def test_diff_review_with_one_hunk_accepted_and_one_rejected(snap_compare, tmp_path: Path) -> None:
    async def review(pilot: Pilot) -> None:
        app = pilot.app
        assert isinstance(app, CaretApp)
        edits = (FileEdit("calc.py", OLD, NEW, None), FileEdit("NOTES.md", "", "# Notes\nadd() has hints.\n", None))
        proposal = EditProposal("add type hints", edits)
        review_proposal(app, EditRequest("calc.py", "add type hints", 0, 9, text=OLD), proposal,
                        ["introduces calc.py:9: an example problem"])
        assert await wait_for(lambda: isinstance(app.screen, ProposalReview), pilot, 5)
        await pilot.press("y", "n", "left")  # calc.py: the first hunk accepted, the second rejected; back to it
        await pilot.pause()

    assert snap_compare(make_app(tmp_path), terminal_size=(100, 30), run_before=review)
