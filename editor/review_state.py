"""What the diff review of a proposal shows and what the user decided, hunk by hunk. Pure: no Textual.

Files come one at a time (the buffer's first); y/n decide the current hunk and move on to the next undecided one,
like `git add -p`; once every hunk is decided the review is done. Enter takes undecided hunks as accepted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field

from engine.edit import FileEdit
from engine.hunks import Hunk, apply_hunks, diff_hunks


@dataclass(frozen=True)
class ReviewFile:
    """One file of a proposal and its hunks."""

    edit: FileEdit
    hunks: tuple[Hunk, ...]


def review_files(edits: Sequence[FileEdit], first_path: str | None = None) -> tuple[ReviewFile, ...]:
    """The files that change, `first_path` (the buffer's file) first, the others in the proposal's order."""
    ordered = sorted(edits, key=lambda edit: edit.path != first_path)  # stable: keeps the model's order otherwise
    files = (ReviewFile(edit, diff_hunks(edit.old_text, edit.new_text)) for edit in ordered)
    return tuple(file for file in files if file.hunks)


@dataclass
class ReviewState:
    """The files under review, the current file and hunk, and each decided hunk: (file, hunk) -> accepted."""

    files: tuple[ReviewFile, ...] = ()
    file: int = 0
    hunk: int = 0
    decisions: dict[tuple[int, int], bool] = field(default_factory=dict)

    def _positions(self) -> list[tuple[int, int]]:
        return [(f, h) for f, file in enumerate(self.files) for h in range(len(file.hunks))]

    @property
    def total(self) -> int:
        return sum(len(file.hunks) for file in self.files)

    def show(self, files: tuple[ReviewFile, ...], follow_end: bool = False) -> None:
        """New files to show (a streamed proposal grew): decisions are dropped; the current hunk is the last one
        (`follow_end`, where the model writes) or the first."""
        self.files, self.decisions = files, {}
        positions = self._positions()
        self.file, self.hunk = (positions[-1] if follow_end else positions[0]) if positions else (0, 0)

    def move(self, step: int) -> None:
        """To the next (+1) or previous (-1) hunk, across files."""
        positions = self._positions()
        if positions:
            at = positions.index((self.file, self.hunk))
            self.file, self.hunk = positions[max(0, min(len(positions) - 1, at + step))]

    def move_file(self, step: int) -> None:
        """To the first hunk of the next (+1) or previous (-1) file."""
        if self.files:
            self.file, self.hunk = max(0, min(len(self.files) - 1, self.file + step)), 0

    def decide(self, accepted: bool) -> bool:
        """Decide the current hunk and go to the next undecided one; True once every hunk is decided."""
        if not self.files:
            return False
        self.decisions[(self.file, self.hunk)] = accepted
        positions = self._positions()
        at = positions.index((self.file, self.hunk))
        undecided = [p for p in positions[at + 1 :] + positions[:at] if p not in self.decisions]
        if not undecided:
            return True
        self.file, self.hunk = undecided[0]
        return False

    def accepted(self, file: int) -> set[int]:
        """The hunks of `file` to apply: every one not rejected."""
        return {h for h in range(len(self.files[file].hunks)) if self.decisions.get((file, h), True)}

    def decided_edits(self) -> tuple[FileEdit, ...]:
        """Each file with at least one accepted hunk, its new text holding only those hunks."""
        edits = []
        for f, file in enumerate(self.files):
            accepted = self.accepted(f)
            if not accepted:
                continue
            whole = len(accepted) == len(file.hunks)
            new = file.edit.new_text if whole else apply_hunks(file.edit.old_text, file.hunks, accepted)
            edits.append(dataclasses.replace(file.edit, new_text=new, deleted=file.edit.deleted and whole))
        return tuple(edits)

    def counts(self) -> tuple[int, int]:
        """(hunks that will be applied, all hunks)."""
        return sum(len(self.accepted(f)) for f in range(len(self.files))), self.total
