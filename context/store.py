"""Persistence of the index: one SQLite file under `<root>/.caret/index/`, one row per file.

A row is keyed by path and carries size, mtime and content hash, so a later start reuses it when the file
is unchanged; the payload is compact JSON (definitions, references, chunk boundaries; no file text).
Chunks are decoded on first use (the map never needs them); a damaged chunk row raises then, and the index
parses that file again (`WorkspaceIndex.chunks_of`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from context.chunks import Chunk
from context.gcpause import gc_paused
from context.symbols import Definition

SCHEMA_VERSION = "1"
INDEX_DIR = Path(".caret") / "index"
DB_NAME = "index.sqlite3"


@dataclass(slots=True)
class FileRecord:
    path: str
    size: int
    mtime_ns: int
    content_hash: str
    language: str | None = None
    line_count: int = 0
    definitions: list[Definition] = field(default_factory=list)
    references: dict[str, int] = field(default_factory=dict)
    error: str | None = None  # one-line reason the file was skipped (decode or parse failure)
    # The JSON this record was read from (or last written as): saving it again need not re-encode.
    encoded: str | None = field(default=None, repr=False, compare=False)
    _chunks: list[Chunk] | None = field(default=None, repr=False, compare=False)
    _chunk_rows: list[Any] | None = field(default=None, repr=False, compare=False)  # stored, not yet decoded

    @property
    def chunks(self) -> list[Chunk]:
        """The file's retrieval chunks; TypeError or ValueError when the stored rows are damaged."""
        if self._chunks is None:
            self._chunks = [Chunk.from_row(self.path, row) for row in self._chunk_rows or ()]
            self._chunk_rows = None
        return self._chunks

    @chunks.setter
    def chunks(self, value: list[Chunk]) -> None:
        self._chunks, self._chunk_rows = value, None

    @property
    def chunk_count(self) -> int:
        """How many chunks the file has, without decoding them."""
        if self._chunks is not None:
            return len(self._chunks)
        return len(self._chunk_rows) if isinstance(self._chunk_rows, list) else 0

    def payload(self) -> str:
        if self.encoded is None:
            self.encoded = self._encode()
        return self.encoded

    def _encode(self) -> str:
        return json.dumps(
            {
                "lang": self.language,
                "lines": self.line_count,
                "defs": [[d.name, d.kind, d.start_line, d.end_line, d.signature, d.container]
                         for d in self.definitions],
                "refs": self.references,
                "chunks": (self._chunk_rows or []) if self._chunks is None else [c.to_row() for c in self._chunks],
                "error": self.error,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def from_row(cls, path: str, size: int, mtime_ns: int, content_hash: str, payload: str) -> FileRecord:
        data = json.loads(payload)
        return cls(
            path=path, size=size, mtime_ns=mtime_ns, content_hash=content_hash, language=data["lang"],
            line_count=data["lines"],
            definitions=[Definition(*row) for row in data["defs"]],
            references=data["refs"],
            error=data["error"],
            encoded=payload,
            _chunk_rows=data["chunks"],
        )


class IndexStore:
    """Reads and writes FileRecords; a missing, old or corrupt database reads as empty."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.directory = Path(root) / INDEX_DIR
        self.path = self.directory / DB_NAME

    def _connect(self) -> sqlite3.Connection:
        self.directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path)
        conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,"
            " hash TEXT, payload TEXT)"
        )
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None or row[0] != SCHEMA_VERSION:
            conn.execute("DELETE FROM files")
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            conn.commit()
        return conn

    def load(self) -> dict[str, FileRecord]:
        if not self.path.exists():
            return {}
        try:
            with self._connect() as conn:
                rows = conn.execute("SELECT path, size, mtime_ns, hash, payload FROM files").fetchall()
            with gc_paused():
                return {row[0]: FileRecord.from_row(*row) for row in rows}
        except (sqlite3.DatabaseError, ValueError, KeyError, TypeError):
            self._discard()
            return {}
        except (sqlite3.Error, OSError):  # unreadable (permissions, locked): start without the cache
            return {}

    def save(self, records: Iterable[FileRecord], removed: Iterable[str] = ()) -> None:
        """Upsert `records` and delete the rows of `removed` paths, in one transaction."""
        rows = [(r.path, r.size, r.mtime_ns, r.content_hash, r.payload()) for r in records]
        gone = [(p,) for p in removed]
        try:
            conn = self._connect()
        except sqlite3.DatabaseError:
            self._discard()
            conn = self._connect()
        with conn:
            conn.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", rows)
            conn.executemany("DELETE FROM files WHERE path = ?", gone)
        conn.close()

    def _discard(self) -> None:
        with contextlib.suppress(OSError):
            self.path.unlink()
