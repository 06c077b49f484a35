"""Ghost text in the TUI: a request for the active buffer at its cursor, shown only if the buffer and cursor are
still where they were when it was asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from editor.status import GhostShown
from engine.errors import ModelError
from engine.ghost import GhostTextRequest
from engine.inspect import describe_prompt

if TYPE_CHECKING:
    from editor.app import CaretApp


def request_ghost_text(app: CaretApp) -> None:
    """Ask for ghost text at the active buffer's cursor (the request in flight, if any, is replaced)."""
    code = app.code
    if app.opened is None or not code.selection.is_empty:
        return
    line, column = code.cursor_location
    rel, text = app.rel_path, code.text  # each is work: once a request, not once a keystroke
    app.session.buffer_changed(rel, text)
    request = GhostTextRequest(path=rel, text=text, line=line, column=column, language=app.buffer.language)
    app.run_worker(_fetch(app, request), exclusive=True, group="ghost")


def continue_after_accept(app: CaretApp, inserted: str, suggestion: str) -> None:
    """Tab-Tab: after a whole suggestion goes in, ask for the next one at the new cursor at once (no debounce:
    the user is waiting for it, not typing)."""
    if inserted == suggestion and app.session.config["completion.enabled"]:
        request_ghost_text(app)


async def _fetch(app: CaretApp, request: GhostTextRequest) -> None:
    code = app.code

    def still_there() -> bool:
        return code.text == request.text and code.cursor_location == (request.line, request.column)

    def partial(text: str) -> None:
        if still_there():
            code.show_ghost_text(text)

    try:
        result = await app.session.complete(request, on_partial=partial)
    except ModelError as exc:
        app.set_status(str(exc))
        return
    if result.withheld:
        app.set_status(result.withheld)  # a secret or ignored file: nothing was sent, and the user is told
        return
    if result.rendered is not None:
        model = app.session.config.model("completion").model
        app.last_prompt = (f"ghost text for {request.path}", describe_prompt(result.rendered, model=model))
    if still_there():
        code.show_ghost_text(result.text)
        if result.text:
            app.status_bar.apply(GhostShown(result.elapsed_ms))
            app.set_status(f"ghost text {result.elapsed_ms:.0f} ms · Tab accepts, Esc dismisses")
