"""Model replies read as plain data: SEARCH/REPLACE blocks, unified diffs and fenced files, in any mix. Pure."""

from prompts.replies.model import (
    DIVIDER,
    REPLACE_MARK,
    SEARCH_MARK,
    Change,
    EditFormatError,
    Hunk,
    Patch,
    SearchReplace,
    WholeFile,
)
from prompts.replies.parse import parse_changes
from prompts.replies.text import is_elision

__all__ = [
    "DIVIDER",
    "REPLACE_MARK",
    "SEARCH_MARK",
    "Change",
    "EditFormatError",
    "Hunk",
    "Patch",
    "SearchReplace",
    "WholeFile",
    "is_elision",
    "parse_changes",
]
