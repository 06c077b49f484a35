"""What a model's reply asks for, as plain data: the changes the parsers in this package read out of its text."""

from __future__ import annotations

from dataclasses import dataclass

SEARCH_MARK = "<<<<<<< SEARCH"
DIVIDER = "======="
REPLACE_MARK = ">>>>>>> REPLACE"


class EditFormatError(ValueError):
    """The model's reply does not follow the edit format."""


@dataclass(frozen=True)
class SearchReplace:
    """One SEARCH/REPLACE block: replace `search` with `replace` in `path`."""

    path: str
    search: str
    replace: str


@dataclass(frozen=True)
class Hunk:
    """One hunk of a unified diff: the lines it expects (`before`: context and removed lines) and what it leaves
    (`after`: context and added lines); `old_start` is the 1-based line the header names, None when it names none."""

    before: str
    after: str
    old_start: int | None = None


@dataclass(frozen=True)
class Patch:
    """A unified diff of one file: its hunks in order; `new_file` creates it, `deleted` removes it."""

    path: str
    hunks: tuple[Hunk, ...]
    new_file: bool = False
    deleted: bool = False


@dataclass(frozen=True)
class WholeFile:
    """A fenced block that names its file: the file's new text, maybe with elisions (`# ... existing code ...`)."""

    path: str
    text: str


Change = SearchReplace | Patch | WholeFile
