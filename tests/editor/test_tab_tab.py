"""Tab-Tab: accepting a whole suggestion asks for the next one at once, so a second Tab flows (a scripted
OpenAI-compatible completion server stands in for the model)."""

from __future__ import annotations

from pathlib import Path

from editor.app import CaretApp
from editor.code_view import CodeView
from engine.session import Session
from tests.editor.pilot import wait_for
from tests.models.scripted_server import Reply, Request, ScriptedServer, completion_events

SOURCE = "def add(a, b):\n"
LINE = "    total = a + b  # the sum"
SUGGESTIONS = ["    total = a + b", "  # the sum"]


def answering_by_prompt(server: ScriptedServer) -> None:
    """Model lists get one model; a completion continues LINE from where the prompt ends, up to its comment
    (the prompt may end before the cursor, e.g. at a token boundary; warm-up requests may come too)."""

    def answer(request: Request) -> Reply:
        server.add(answer)
        if request.method == "GET":
            return Reply(body={"object": "list", "data": [{"id": "scripted", "object": "model"}]})
        typed = str(request.json().get("prompt")).rsplit("\n", 1)[-1]
        rest = LINE[len(typed):] if LINE.startswith(typed) else ""
        return Reply(events=completion_events([rest if typed else LINE.split("  #")[0]]))

    server.add(answer)


def make_app(tmp_path: Path, url: str) -> CaretApp:
    path = tmp_path / "calc.py"
    path.write_text(SOURCE)
    flags = {"lsp.enabled": "false", "completion.debounce_ms": "10", "models.completion.provider": "openai",
             "models.completion.base_url": url, "models.completion.model": "scripted",
             "models.completion.context_window": "4096"}
    return CaretApp(Session.open(tmp_path, env={}, flags=flags), open_path=path)


async def test_tab_then_the_next_suggestion_appears_without_typing(
    tmp_path: Path, scripted_server: ScriptedServer
) -> None:
    answering_by_prompt(scripted_server)
    app = make_app(tmp_path, scripted_server.url)
    async with app.run_test(size=(100, 30)) as pilot:
        code = app.query_one(CodeView)
        code.move_cursor((1, 0))
        await pilot.press("enter")  # an edit: the first suggestion comes after the debounce
        assert await wait_for(lambda: code.ghost_text == SUGGESTIONS[0], pilot, 15), (code.ghost_text, code.text)
        await pilot.press("tab")
        assert code.text == SOURCE + "\n" + SUGGESTIONS[0]
        # No keystroke since Tab: the next suggestion was asked for at the new cursor, and a second Tab takes it.
        assert await wait_for(lambda: code.ghost_text == SUGGESTIONS[1], pilot, 15), repr(code.ghost_text)
        await pilot.press("tab")
        assert code.text == SOURCE + "\n" + LINE
