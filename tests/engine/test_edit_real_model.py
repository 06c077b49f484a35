"""One inline edit end to end with the real embedded model (SmolLM2): the prompt it is given, its reply, the
parser and the applier. A 135M model is not reliable at edits (bench/edit_speed.py), so this holds the pipeline
to its contract, not the model to a score: a proposal for that file alone, or one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.edit import EditRequest, ReplyNotApplied, propose_edit
from engine.session import Session

SOURCE = "def add(a, b):\n    return a + b\n"


@pytest.mark.slow
async def test_one_region_rewrite_with_the_embedded_model(tmp_path: Path) -> None:
    (tmp_path / "calc.py").write_text(SOURCE)
    session = Session.open(tmp_path, env={}, flags={"lsp.enabled": "false", "edit.answer_tokens": "96"})
    try:
        prepared, proposal = await propose_edit(session, EditRequest("calc.py", "Rename the function to plus.", 0, 2))
    except ReplyNotApplied as exc:
        assert str(exc).startswith("calc.py: the model's reply could not be applied: ") and "\n" not in str(exc)
        return
    finally:
        await session.aclose()
    assert prepared.model.name == "smollm2-135m-instruct"
    assert "exactly one fenced code block" in prepared.messages[-1].content  # the local default: a rewrite
    assert [e.path for e in proposal.edits] in ([], ["calc.py"])
    assert all(edit.old_text == SOURCE and edit.snapshot is not None for edit in proposal.edits)
    assert (tmp_path / "calc.py").read_text() == SOURCE  # proposed, not written
