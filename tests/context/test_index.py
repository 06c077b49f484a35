"""WorkspaceIndex on real files: build, cache reuse (counted, not timed), update, remove, bad files."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest

from context.index import WorkspaceIndex
from context.search import search
from context.store import IndexStore
from context.workspace import Workspace, WorkspaceError

SOURCES = {
    "app/main.py": "from app.util import slugify\n\ndef run(title):\n    return slugify(title)\n",
    "app/util.py": "import re\n\ndef slugify(text):\n    return re.sub('[^a-z]+', '-', text.lower())\n",
    "web/client.ts": "export class Client {\n  fetchUser(id: string): User { return load(id); }\n}\n",
    "svc/server.go": "package svc\n\ntype Server struct{}\n\nfunc (s *Server) Start() error { return nil }\n",
    "README.md": "# Demo\n\nSome words about slugify.\n",
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for rel, text in SOURCES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def _bump(path: Path, text: str) -> None:
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_build_indexes_every_file(root: Path) -> None:
    progress: list[tuple[int, int]] = []
    index = WorkspaceIndex.build(Workspace(root), progress=lambda done, total: progress.append((done, total)))
    assert index.files_parsed == len(SOURCES)
    assert set(index.records) == set(SOURCES)
    assert progress[-1] == (len(SOURCES), len(SOURCES))
    [site] = index.definitions("slugify")
    assert site.path == "app/util.py" and site.definition.kind == "function"
    assert [d.name for d in index.symbols_in("web/client.ts")] == ["Client", "fetchUser"]
    assert {c.path for c in index.chunks} == set(SOURCES)
    assert index.chunk_count == len(index.chunks) == WorkspaceIndex.build(Workspace(root)).chunk_count
    readme = [c for c in index.chunks if c.path == "README.md"]
    assert readme and readme[0].kind == "text"
    assert "slugify" in index.chunk_text(readme[0])
    assert (root / ".caret" / "index").is_dir()
    assert not index.errors


def test_second_build_reads_the_cache(root: Path) -> None:
    first = WorkspaceIndex.build(Workspace(root))
    second = WorkspaceIndex.build(Workspace(root))
    assert second.files_parsed == 0
    assert {p: r.definitions for p, r in second.records.items()} == {
        p: r.definitions for p, r in first.records.items()
    }
    assert second.definitions("Start")[0].definition.container == "Server"
    # One file changed on disk: only it is parsed again.
    _bump(root / "app/util.py", SOURCES["app/util.py"] + "\ndef unslug(text):\n    return text\n")
    third = WorkspaceIndex.build(Workspace(root))
    assert third.files_parsed == 1
    assert third.definitions("unslug")[0].path == "app/util.py"
    # Only the mtime changed: the content hash matches, nothing is parsed.
    _bump(root / "app/main.py", SOURCES["app/main.py"])
    fourth = WorkspaceIndex.build(Workspace(root))
    assert fourth.files_parsed == 0
    # A deleted file leaves the index and the cache.
    (root / "README.md").unlink()
    fifth = WorkspaceIndex.build(Workspace(root))
    assert "README.md" not in fifth.records
    assert "README.md" not in IndexStore(root).load()


def test_cache_off_parses_everything(root: Path) -> None:
    WorkspaceIndex.build(Workspace(root))
    assert WorkspaceIndex.build(Workspace(root), use_cache=False).files_parsed == len(SOURCES)


def test_corrupt_cache_is_rebuilt(root: Path) -> None:
    WorkspaceIndex.build(Workspace(root))
    IndexStore(root).path.write_bytes(b"this is not sqlite" * 100)
    again = WorkspaceIndex.build(Workspace(root))
    assert again.files_parsed == len(SOURCES)
    assert WorkspaceIndex.build(Workspace(root)).files_parsed == 0


def test_update_file_from_buffer_and_disk(root: Path) -> None:
    index = WorkspaceIndex.build(Workspace(root))
    version = index.version
    index.update_file("app/main.py", text="def run(title):\n    pass\n\ndef stop():\n    pass\n")
    assert [d.name for d in index.symbols_in("app/main.py")] == ["run", "stop"]
    assert index.version > version
    assert index.definitions("stop")[0].path == "app/main.py"
    # The buffer was not saved: a new start must re-read the disk, not trust the buffer's record.
    index.save()
    restarted = WorkspaceIndex.build(Workspace(root))
    assert [d.name for d in restarted.symbols_in("app/main.py")] == ["run"]
    # Saved to disk, then re-indexed from disk.
    (root / "app/main.py").write_text("def run2():\n    pass\n")
    restarted.update_file(str(root / "app/main.py"))
    assert [d.name for d in restarted.symbols_in("app/main.py")] == ["run2"]


def test_remove_file(root: Path) -> None:
    index = WorkspaceIndex.build(Workspace(root))
    index.remove_file("app/util.py")
    assert index.definitions("slugify") == []
    assert all(c.path != "app/util.py" for c in index.chunks)
    index.save()
    assert "app/util.py" not in IndexStore(root).load()


def test_update_of_an_ignored_or_vanished_file_drops_it(root: Path) -> None:
    index = WorkspaceIndex.build(Workspace(root))
    (root / ".gitignore").write_text("web/\n")
    index.workspace.rules.forget()
    assert index.update_file("web/client.ts") is None
    assert "web/client.ts" not in index.records
    (root / "svc/server.go").unlink()
    assert index.update_file("svc/server.go") is None
    assert "svc/server.go" not in index.records


def _damage_chunk_rows(root: Path, rel: str, rows: object) -> None:
    with sqlite3.connect(IndexStore(root).path) as conn:
        [payload] = conn.execute("SELECT payload FROM files WHERE path = ?", (rel,)).fetchone()
        data = json.loads(payload)
        data["chunks"] = rows
        conn.execute("UPDATE files SET payload = ? WHERE path = ?", (json.dumps(data), rel))
    conn.close()


@pytest.mark.parametrize("rows", [[["0", 4, None, "function", None]], [[0, 4]], 7])
def test_a_damaged_chunk_row_reparses_that_file_when_its_chunks_are_needed(root: Path, rows: object) -> None:
    WorkspaceIndex.build(Workspace(root))
    _damage_chunk_rows(root, "app/util.py", rows)
    index = WorkspaceIndex.build(Workspace(root))
    assert index.files_parsed == 0  # chunks are decoded on first use: the map and symbols never look
    assert [d.name for d in index.symbols_in("app/util.py")] == ["slugify"]
    [hit] = [h for h in search(index, "slugify text lower", k=5) if h.path == "app/util.py"]
    assert index.files_parsed == 1  # that file alone, parsed again from disk
    assert hit.symbol == "slugify" and "re.sub" in hit.text
    assert [c.kind for c in index.chunks_of("app/util.py")] == ["code", "function"]
    index.save()
    again = WorkspaceIndex.build(Workspace(root))
    assert again.files_parsed == 0
    assert [c.kind for c in again.chunks_of("app/util.py")] == ["code", "function"]


def test_bad_files_are_skipped_with_a_reason(root: Path) -> None:
    (root / "bad.py").write_bytes(b"def ok():\n    return '\xff\xfe'\n")
    index = WorkspaceIndex.build(Workspace(root))
    assert "not UTF-8" in index.errors["bad.py"]
    assert "\n" not in index.errors["bad.py"]
    assert index.definitions("slugify")  # the rest is indexed


def test_parallel_build_matches_serial(tmp_path: Path) -> None:
    for i in range(80):
        (tmp_path / f"m{i}.py").write_text(f"def f{i}(x):\n    return f{(i + 1) % 80}(x)\n")
    parallel = WorkspaceIndex.build(Workspace(tmp_path), use_cache=False, workers=2)
    serial = WorkspaceIndex.build(Workspace(tmp_path), use_cache=False, workers=1)
    assert parallel.files_parsed == serial.files_parsed == 80
    assert {p: r.definitions for p, r in parallel.records.items()} == {
        p: r.definitions for p, r in serial.records.items()
    }


def test_unwritable_cache_does_not_stop_the_index(root: Path) -> None:
    (root / ".caret").mkdir()
    (root / ".caret" / "index").write_text("a file where the cache folder should be\n")
    index = WorkspaceIndex.build(Workspace(root))
    assert index.definitions("slugify")
    assert index.save_error is not None and "\n" not in index.save_error
    assert WorkspaceIndex.build(Workspace(root)).files_parsed == len(index.records)  # nothing cached


def test_paths_outside_the_workspace_are_refused(root: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    index = WorkspaceIndex.build(Workspace(root))
    outside = tmp_path_factory.mktemp("elsewhere") / "x.py"
    outside.write_text("def x():\n    pass\n")
    with pytest.raises(WorkspaceError, match="outside workspace"):
        index.update_file(str(outside))
