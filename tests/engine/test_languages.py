"""engine/languages.py: what the TUI highlights a file as."""

from __future__ import annotations

from engine.languages import highlight_language


def test_highlight_language_by_extension_then_shebang() -> None:
    assert highlight_language("a.py") == "python"
    assert highlight_language("web/app.jsx") == "javascript"
    assert highlight_language("tool", "#!/usr/bin/env bash") == "bash"
    assert highlight_language("README.md") == "markdown"


def test_no_highlighting_where_textual_has_no_grammar() -> None:
    assert highlight_language("a.ts") is None  # Textual ships no TypeScript grammar
    assert highlight_language("main.c") is None
    assert highlight_language("notes") is None
