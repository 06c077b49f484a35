"""Language facts the front-ends need, read from context/'s one table of languages."""

from __future__ import annotations

from pathlib import Path

from context.languages import detect_language, language_info


def highlight_language(path: str | Path, first_line: str = "") -> str | None:
    """The name the TUI's TextArea highlights the file under, or None when Textual has no grammar for it."""
    info = language_info(detect_language(str(path), first_line or None))
    return info.highlight if info else None


def language_for(path: str | Path, first_line: str = "") -> str | None:
    """The file's language by extension, then shebang: context/'s detection, offered to the front-ends."""
    return detect_language(str(path), first_line or None)
