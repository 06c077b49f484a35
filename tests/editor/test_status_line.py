"""The status bar's fields from its state: what is known, in order, leaving out what is not."""

from __future__ import annotations

from editor.status import StatusState, fields_content, status_fields


def text(state: StatusState) -> str:
    return " · ".join(field for field, _ in status_fields(state))


def test_a_file_with_problems_a_server_a_model_and_a_ghost_latency() -> None:
    state = StatusState(
        file="src/util.py", language="python", cursor=(9, 4), errors=2, warnings=1, model="gemma-3-270m",
        model_state="ready", index="index 40%", servers={"python": "ready"}, file_servers={"src/util.py": "python"},
        ghost_ms=41.6,
    )
    assert text(state) == (
        "src/util.py · python · 10:5 · ● 2 · ▲ 1 · lsp ready · gemma-3-270m ready · index 40% · ghost 42 ms"
    )


def test_an_untitled_buffer_shows_only_what_is_known() -> None:
    assert text(StatusState()) == "untitled · 1:1"
    assert text(StatusState(file="a.go", language="go", warnings=1)) == "a.go · go · 1:1 · ▲ 1"


def test_a_loading_model_a_long_name_and_a_crashed_server() -> None:
    state = StatusState(
        file="m.py", model="/models/very/long/path/qwen2.5-coder-1.5b-instruct-q4_k_m.gguf", model_state="loading",
        servers={"python": "crashed"}, file_servers={"m.py": "python"},
    )
    fields = status_fields(state)
    assert ("lsp crashed", "$error") in fields
    assert fields[-1] == ("qwen2.5-coder-1.5b-inst… loading…", "")  # a path's file name, cut


def test_errors_and_warnings_are_coloured_from_the_theme() -> None:
    content = fields_content(status_fields(StatusState(file="a.py", errors=3, warnings=2)))
    assert str(content) == "a.py · 1:1 · ● 3 · ▲ 2"
    assert {span.style for span in content.spans} == {"$error", "$warning"}
