"""Unsaved buffers kept in `.caret/recovery/` so a crash (or a kill -9) never loses typed work.

The editor writes a dirty buffer here a few seconds after the last keystroke, removes it on save or on a
deliberate discard, and offers what is left at the next start. One JSON file per buffer, written atomically;
a damaged entry is skipped, never raised: recovery must not be the thing that stops the editor starting.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from engine.files import write_atomic

RECOVERY_DIR = ".caret/recovery"
log = logging.getLogger("caret.recovery")


@dataclass(frozen=True)
class RecoveredBuffer:
    """A buffer's unsaved text as it was when last written, and when that was."""

    rel_path: str
    text: str
    saved_at: float


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class RecoveryStore:
    """The workspace's recovery folder: `keep` a dirty buffer, `discard` it once saved, `pending` at start."""

    def __init__(self, root: Path) -> None:
        self.folder = root / RECOVERY_DIR
        self._root = root
        self._written: dict[str, str] = {}  # rel path -> digest of the text last written (skip identical writes)

    def _entry(self, rel_path: str) -> Path:
        return self.folder / f"{hashlib.sha1(rel_path.encode()).hexdigest()[:20]}.json"

    def keep(self, rel_path: str, text: str) -> bool:
        """Write the buffer's text unless the same text is already there; False when it was already kept."""
        digest = _digest(text)
        if self._written.get(rel_path) == digest:
            return False
        payload = {"path": rel_path, "text": text, "saved_at": time.time(), "sha256": digest}
        write_atomic(self._entry(rel_path), json.dumps(payload).encode("utf-8"))
        self._written[rel_path] = digest
        return True

    def discard(self, rel_path: str) -> None:
        """Forget the buffer: it was saved, reloaded, or the user chose to drop the recovered text."""
        self._written.pop(rel_path, None)
        self._entry(rel_path).unlink(missing_ok=True)

    def pending(self) -> list[RecoveredBuffer]:
        """Buffers kept by an earlier run whose text differs from the file on disk, newest first."""
        if not self.folder.is_dir():
            return []
        found: list[RecoveredBuffer] = []
        for entry in self.folder.glob("*.json"):
            try:
                data = json.loads(entry.read_text(encoding="utf-8"))
                buffer = RecoveredBuffer(str(data["path"]), str(data["text"]), float(data["saved_at"]))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("skipping damaged recovery entry %s: %s", entry.name, exc)
                continue
            if self._same_as_disk(buffer):
                entry.unlink(missing_ok=True)  # saved after all (or saved by someone else): nothing to offer
                continue
            found.append(buffer)
        return sorted(found, key=lambda b: b.saved_at, reverse=True)

    def _same_as_disk(self, buffer: RecoveredBuffer) -> bool:
        path = self._root / buffer.rel_path
        try:
            on_disk = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        except (OSError, UnicodeDecodeError):
            return False
        return on_disk == buffer.text
