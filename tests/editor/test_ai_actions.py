"""Chat panel, inline edit with its streamed per-hunk diff review, and the prompt inspector, driven through Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets.text_area import Selection

from editor.app import CaretApp
from editor.chat_panel import ChatPanel
from editor.code_view import CodeView
from editor.diff_review import ProposalReview
from editor.inline_edit import InstructionDialog
from editor.inspector import PromptInspector
from engine.session import Session
from tests.editor.pilot import wait_for
from tests.models.scripted_server import Reply, ScriptedServer, chat_events

SOURCE = "def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n"
# Two changes far enough apart (more than 2 x 2 context lines) to be two hunks.
LONG = "def add(a, b):\n    return a + b\n\n\ndef sub(a, b):\n    return a - b\n\n\nprint(add(1, 2))\n"
LONG_NEW = LONG.replace("def add(a, b):", "def add(a: int, b: int) -> int:").replace("(1, 2)", "(2, 3)")
SCRIPTED = {"models.edit.provider": "openai", "models.edit.model": "scripted", "models.edit.context_window": "4096"}


def make_app(tmp_path: Path, source: str = SOURCE, **flags: str) -> tuple[CaretApp, Path]:
    path = tmp_path / "calc.py"
    path.write_text(source)
    base = {"completion.enabled": "false", "lsp.enabled": "false"}
    return CaretApp(Session.open(tmp_path, env={}, flags={**base, **flags}), open_path=path), path


def reviewing(app: CaretApp) -> bool:
    """The review shows a whole proposal: the model has finished and its hunks can be decided."""
    return isinstance(app.screen, ProposalReview) and not app.screen.streaming


def status(app: CaretApp) -> str:
    return str(app.query_one("#status").render())


async def ask_edit(app: CaretApp, pilot: Pilot, instruction: str, lines: tuple[int, int] | None = None) -> None:
    if lines is not None:
        app.query_one(CodeView).selection = Selection((lines[0], 0), (lines[1], 0))
    await pilot.press("ctrl+k")
    assert await wait_for(lambda: isinstance(app.screen, InstructionDialog), pilot)
    await pilot.press(*instruction, "enter")


async def test_inline_edit_is_reviewed_then_applied_as_one_undo_step(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    reply = "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```"
    scripted_server.add(Reply(events=chat_events([reply])))
    app, path = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                      "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        code.selection = Selection((0, 0), (2, 0))  # the whole function
        await pilot.press("ctrl+k")
        assert await wait_for(lambda: isinstance(app.screen, InstructionDialog), pilot)
        await pilot.press(*"add type hints", "enter")
        assert await wait_for(lambda: reviewing(app), pilot, 20), status(app)
        diff = app.screen.query_one("#diff").text
        assert "+def add(a: int, b: int) -> int:" in diff
        assert code.text == SOURCE  # nothing changes before it is accepted
        await pilot.press("y")  # the only hunk decided: the review is done
        await pilot.pause()
        assert code.text == SOURCE.replace("def add(a, b):", "def add(a: int, b: int) -> int:")
        assert path.read_text() == SOURCE  # accepted into the buffer, not yet saved
        await pilot.press("ctrl+z")
        assert code.text == SOURCE
        await pilot.press("f2")
        assert isinstance(app.screen, PromptInspector)
        report = app.screen.query_one("#inspector-text").text
        assert "add type hints" in report and "scopes kept" in report


async def test_rejected_edit_changes_nothing(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    scripted_server.add(Reply(events=chat_events(["```python\nprint('hi')\n```"])))
    app, _ = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                   "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((4, 0))
        await pilot.press("ctrl+k")
        await pilot.press(*"greet", "enter")
        assert await wait_for(lambda: reviewing(app), pilot)
        await pilot.press("n")
        await pilot.pause()
        assert code.text == SOURCE and "edit rejected" in status(app)


@pytest.mark.slow
async def test_chat_panel_streams_an_answer_from_the_local_model(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, **{"chat.answer_tokens": "12"})
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+l")
        panel = app.query_one(ChatPanel)
        assert panel.has_class("-open")
        await pilot.press(*"what does add do?", "enter")
        assert await wait_for(lambda: len(app._history) == 2, pilot, timeout=120)
        transcript = panel.transcript.text
        assert "> what does add do?" in transcript
        assert app._history[1].content.strip() and app._history[1].content in transcript
        await pilot.press("f2")
        assert isinstance(app.screen, PromptInspector)
        assert "def add(a, b)" in app.screen.query_one("#inspector-text").text


async def test_an_edit_of_two_files_puts_each_in_its_own_place(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    # The other file comes first: its text must never land in the open buffer.
    reply = (
        "notes.md\n<<<<<<< SEARCH\n=======\n# Notes\nadd() has type hints.\n>>>>>>> REPLACE\n\n"
        "calc.py\n<<<<<<< SEARCH\ndef add(a, b):\n=======\ndef add(a: int, b: int) -> int:\n>>>>>>> REPLACE\n"
    )
    scripted_server.add(Reply(events=chat_events([reply])))
    app, path = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                      "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        code.selection = Selection((0, 0), (2, 0))
        await pilot.press("ctrl+k")
        assert await wait_for(lambda: isinstance(app.screen, InstructionDialog), pilot)
        await pilot.press(*"add type hints and a note", "enter")
        assert await wait_for(lambda: reviewing(app), pilot, 20), status(app)
        review = app.screen
        # File by file, the buffer's first, whatever order the model wrote them in.
        assert "file 1/2: calc.py" in str(review.query_one("#where").render())
        assert "+++ b/calc.py" in review.query_one("#diff").text and "notes.md" not in review.query_one("#diff").text
        await pilot.press("right")
        assert "file 2/2: notes.md" in str(review.query_one("#where").render())
        assert "+# Notes" in review.query_one("#diff").text
        assert any("also writes notes.md" in str(label.render()) for label in review.query("#notes Label"))
        await pilot.press("left")
        assert "file 1/2: calc.py" in str(review.query_one("#where").render())
        assert not (tmp_path / "notes.md").exists()  # nothing written before it is accepted
        await pilot.press("enter")
        await pilot.pause()
        assert code.text == SOURCE.replace("def add(a, b):", "def add(a: int, b: int) -> int:")
        assert (tmp_path / "notes.md").read_text() == "# Notes\nadd() has type hints.\n"
        assert path.read_text() == SOURCE  # the buffer's file: in the buffer, not yet saved
        await pilot.press("ctrl+z")  # one undo step
        assert code.text == SOURCE


async def test_an_edit_whose_other_file_changed_is_refused(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    reply = "notes.md\n<<<<<<< SEARCH\n=======\nnew\n>>>>>>> REPLACE\n\ncalc.py\n<<<<<<< SEARCH\nprint(add(1, 2))\n" \
            "=======\nprint(add(2, 3))\n>>>>>>> REPLACE\n"
    scripted_server.add(Reply(events=chat_events([reply])))
    app, _ = make_app(tmp_path, **{"models.edit.provider": "openai", "models.edit.base_url": scripted_server.url,
                                   "models.edit.model": "scripted", "models.edit.context_window": "4096"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+k")
        await pilot.press(*"bump", "enter")
        assert await wait_for(lambda: reviewing(app), pilot, 20)
        (tmp_path / "notes.md").write_text("written meanwhile\n")
        await pilot.press("enter")
        await pilot.pause()
        status = str(app.query_one("#status").render())
        assert "notes.md" in status and "not applied" in status
        assert app.query_one(CodeView).text == SOURCE
    assert (tmp_path / "notes.md").read_text() == "written meanwhile\n"


def long_rewrite_app(
    tmp_path: Path, scripted_server: ScriptedServer, delay_s: float = 0.0, stall_after: int | None = None
) -> CaretApp:
    """The editor on LONG, its model (the scripted server) rewriting the whole of it, one line per event."""
    lines = ["```python\n", *LONG_NEW.splitlines(keepends=True), "```\n"]
    scripted_server.add(Reply(events=chat_events(lines), event_delay_s=delay_s, stall_after=stall_after))
    app, _ = make_app(tmp_path, LONG, **SCRIPTED, **{"models.edit.base_url": scripted_server.url})
    return app


async def ask_to_rewrite_long(app: CaretApp, pilot: Pilot) -> None:
    """Select LONG's lines and ask Ctrl+K for the rewrite the scripted server sends."""
    await ask_edit(app, pilot, "add hints, bump the call", (0, 9))


async def test_one_hunk_rejected_leaves_only_the_other_as_one_undo_step(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    app = long_rewrite_app(tmp_path, scripted_server)
    async with app.run_test(size=(120, 40)) as pilot:
        code = app.query_one(CodeView)
        await ask_to_rewrite_long(app, pilot)
        assert await wait_for(lambda: reviewing(app), pilot, 20), status(app)
        review = app.screen
        assert "hunk 1/2 · 2 of 2 hunks to apply" in str(review.query_one("#where").render())
        await pilot.press("n")  # the first hunk (the signature) is rejected; on to the second
        assert "hunk 2/2 · 1 of 2 hunks to apply" in str(review.query_one("#where").render())
        assert code.text == LONG
        await pilot.press("enter")  # the undecided second hunk is accepted
        await pilot.pause()
        assert code.text == LONG.replace("(1, 2)", "(2, 3)")
        assert "1 of 2 hunks" in status(app)
        await pilot.press("ctrl+z")
        assert code.text == LONG


async def test_enter_accepts_every_hunk(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    app = long_rewrite_app(tmp_path, scripted_server)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_to_rewrite_long(app, pilot)
        assert await wait_for(lambda: reviewing(app), pilot, 20), status(app)
        await pilot.press("down", "up", "j")  # moving decides nothing
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(CodeView).text == LONG_NEW
        assert "2 of 2 hunks" in status(app)


async def test_escape_rejects_every_hunk(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    app = long_rewrite_app(tmp_path, scripted_server)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_to_rewrite_long(app, pilot)
        assert await wait_for(lambda: reviewing(app), pilot, 20), status(app)
        await pilot.press("y", "escape")  # a hunk accepted, then everything rejected
        await pilot.pause()
        assert not isinstance(app.screen, ProposalReview)
        assert app.query_one(CodeView).text == LONG and "edit rejected" in status(app)


async def test_the_diff_streams_before_the_reply_ends(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    app = long_rewrite_app(tmp_path, scripted_server, delay_s=0.4)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_to_rewrite_long(app, pilot)
        assert await wait_for(lambda: isinstance(app.screen, ProposalReview), pilot)
        review = app.screen
        assert isinstance(review, ProposalReview)
        # The first changed line has arrived, the last has not: the diff so far, the rest of the file kept.
        assert await wait_for(lambda: "+def add(a: int, b: int) -> int:" in review.query_one("#diff").text, pilot, 20)
        assert review.streaming and "+print(add(2, 3))" not in review.query_one("#diff").text
        assert "the model is writing" in str(review.query_one("#keys").render())
        await pilot.press("enter", "y")  # nothing to decide until the model is done
        assert app.screen is review and app.query_one(CodeView).text == LONG
        assert await wait_for(lambda: not review.streaming, pilot, 20)
        assert "+print(add(2, 3))" in review.query_one("#diff").text
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one(CodeView).text == LONG_NEW


async def test_escape_while_streaming_stops_the_model(tmp_path: Path, scripted_server: ScriptedServer) -> None:
    # The role chunk, the fence, two lines: then silence.
    app = long_rewrite_app(tmp_path, scripted_server, stall_after=4)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_to_rewrite_long(app, pilot)
        assert await wait_for(lambda: isinstance(app.screen, ProposalReview)
                              and "+def add(a: int" in app.screen.query_one("#diff").text, pilot, 20)
        await pilot.press("escape")
        assert await wait_for(lambda: scripted_server.disconnected.is_set(), pilot, 10)  # the stream was closed
        assert not isinstance(app.screen, ProposalReview)
        assert app.query_one(CodeView).text == LONG and "edit rejected" in status(app)


async def test_a_reply_that_cannot_be_applied_closes_the_review_with_the_reason(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    scripted_server.add(Reply(events=chat_events(["I would rather not."])),
                        Reply(events=chat_events(["```python\ndef add(a, b):\n    return a + b\n```"])))
    app, _ = make_app(tmp_path, **SCRIPTED, **{"models.edit.base_url": scripted_server.url})
    async with app.run_test(size=(120, 40)) as pilot:
        await ask_edit(app, pilot, "add type hints", (0, 2))
        assert await wait_for(lambda: "could not be applied" in status(app), pilot, 20), status(app)
        assert not isinstance(app.screen, ProposalReview)
        await ask_edit(app, pilot, "add type hints", (0, 2))  # the same text back: nothing to review
        assert await wait_for(lambda: "the model proposed no change" in status(app), pilot, 20), status(app)
        assert not isinstance(app.screen, ProposalReview) and app.query_one(CodeView).text == SOURCE
