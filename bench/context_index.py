"""Benchmark: caret's workspace index + repo map against aider's RepoMap, on the same files.

Corpora (copied into a temp dir, so neither tool's cache touches the originals):
  stdlib  the .py files of the running interpreter's standard library (no site-packages)
  mixed   TypeScript/JavaScript from bench/node_modules (zod, axios, ...) plus the C, C++, Go and Rust
          sources installed on this machine (/usr/share/doc examples, git contrib, rustup docs, cmake)

Each measurement runs in its own child process, so ru_maxrss is that side's peak alone:
  caret cold   WorkspaceIndex.build(use_cache=False) + repo_map (worker processes' peak reported apart)
  caret warm   WorkspaceIndex.build() reading .caret/index, + repo_map; then re-index of one saved file, and
               one edit + the map (update_file with a buffer's text, then repo_map: the graph is updated, not rebuilt);
               the first search (builds the BM25 index), then one edit + a search (BM25 updated for that file only)
  aider cold   RepoMap.get_repo_map with its tags cache removed (aider-chat 0.86.2 in bench/.aider-venv)
  aider warm   the same again, its tags cache now filled
Both use the same stand-in token counter (len(text) // 4) and a 1024-token map focused on one file.

Run: .venv/bin/python bench/context_index.py [--skip-aider] [--corpus stdlib|mixed|all]
aider's venv is created on first run (python3 -m venv bench/.aider-venv; its pip install aider-chat==0.86.2).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
AIDER_VENV = REPO / "bench" / ".aider-venv"
AIDER_PYTHON = AIDER_VENV / "bin" / "python"
AIDER_VERSION = "0.86.2"
MAP_TOKENS = 1024
SEARCH_QUERY = "decode a document from a string and return the object"

AIDER_PEER = r'''
import json, os, resource, sys, time
root, focus, list_file = sys.argv[1], sys.argv[2], sys.argv[3]
files = json.load(open(list_file))
from aider.repomap import RepoMap

class StandInModel:
    def token_count(self, text):
        return len(text) // 4

class QuietIO:
    encoding = "utf-8"
    def tool_output(self, *args, **kwargs):
        pass
    tool_warning = tool_error = tool_output
    def read_text(self, fname, silent=False):
        try:
            with open(fname, encoding="utf-8") as f:
                return f.read()
        except Exception:
            return None

chat = [os.path.join(root, focus)]
others = [os.path.join(root, f) for f in files if f != focus]
before = resource.getrusage(resource.RUSAGE_SELF)
start = time.perf_counter()
repo_map = RepoMap(map_tokens=MAP_TOKENS, root=root, main_model=StandInModel(), io=QuietIO())
text = repo_map.get_repo_map(chat, others) or ""
elapsed = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"map_s": elapsed, "map_chars": len(text), "maxrss_mb": usage.ru_maxrss / 1024,
                  "cpu_s": usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime}))
'''.replace("MAP_TOKENS", str(MAP_TOKENS))


def count_tokens(text: str) -> int:
    return len(text) // 4


# -- corpora ---------------------------------------------------------------------------------------------
def stdlib_corpus(dest: Path) -> str:
    src = Path(sysconfig.get_paths()["stdlib"])
    for path in src.rglob("*.py"):
        rel = path.relative_to(src)
        if rel.parts[0] in ("site-packages", "dist-packages") or "__pycache__" in rel.parts:
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return "json/decoder.py"


def mixed_corpus(dest: Path) -> str:
    sources: list[tuple[Path, str, tuple[str, ...]]] = [
        (REPO / "bench/node_modules/zod/src", "zod", (".ts",)),
        (REPO / "bench/node_modules/axios/lib", "axios", (".js",)),
        (REPO / "bench/node_modules/openai/src", "openai", (".ts",)),
        (Path("/usr/share/doc"), "cdocs", (".c", ".h", ".go", ".cc", ".cpp")),
        (Path("/usr/include/c++/12/ext/pb_ds"), "pb_ds", (".hpp",)),
        (Path("/root/.rustup/toolchains"), "rust", (".rs",)),
        (Path("/usr/share/cmake-3.25/Modules"), "cmake", (".c", ".cpp", ".h")),
    ]
    for root, name, exts in sources:
        if not root.is_dir():
            continue
        for path in root.rglob("*"):
            if path.suffix in exts and path.is_file() and not path.is_symlink():
                target = dest / name / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
    return "zod/v4/core/schemas.ts" if (dest / "zod/v4/core/schemas.ts").exists() else ""


# -- children --------------------------------------------------------------------------------------------
def _rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def _cpu_s() -> float:
    """CPU seconds of this process and its finished children (the index's worker processes)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def child_caret_cold(root: str, focus: str) -> dict[str, float]:
    from context.index import WorkspaceIndex
    from context.repomap import repo_map
    from context.workspace import Workspace

    cpu = _cpu_s()
    start = time.perf_counter()
    index = WorkspaceIndex.build(Workspace(root), use_cache=False)
    built = time.perf_counter()
    result = repo_map(index, [focus], [], MAP_TOKENS, count_tokens)
    done = time.perf_counter()
    return {
        "index_s": built - start, "map_s": done - built, "total_s": done - start, "cpu_s": _cpu_s() - cpu,
        "files": len(index.records),
        "files_parsed": index.files_parsed, "errors": len(index.errors), "map_chars": len(result.text),
        "maxrss_mb": _rss_mb(resource.RUSAGE_SELF), "workers_maxrss_mb": _rss_mb(resource.RUSAGE_CHILDREN),
    }


def child_caret_warm(root: str, focus: str) -> dict[str, float]:
    from context.index import WorkspaceIndex
    from context.repomap import repo_map
    from context.search import search
    from context.workspace import Workspace

    start = time.perf_counter()
    index = WorkspaceIndex.build(Workspace(root))
    built = time.perf_counter()
    parsed_at_load = index.files_parsed
    repo_map(index, [focus], [], MAP_TOKENS, count_tokens)
    done = time.perf_counter()
    path = Path(root) / focus
    original = path.read_text()
    saved_ms: list[float] = []
    for i in range(7):  # a saved file: new content on disk, re-indexed from disk
        path.write_text(original + f"\n\ndef bench_added_{i}(x):\n    return x + {i}\n")
        t0 = time.perf_counter()
        index.update_file(focus)
        saved_ms.append((time.perf_counter() - t0) * 1000)
    buffer_ms: list[float] = []
    for i in range(7):  # an edited buffer: text handed in, nothing read
        text = original + f"\n\ndef buffer_added_{i}(x):\n    return x * {i}\n"
        t0 = time.perf_counter()
        index.update_file(focus, text=text)
        buffer_ms.append((time.perf_counter() - t0) * 1000)
    path.write_text(original)
    t0 = time.perf_counter()
    repo_map(index, [focus], [], MAP_TOKENS, count_tokens)
    remap_ms = (time.perf_counter() - t0) * 1000
    edit_map_ms: list[float] = []
    for i in range(9):  # one edit, then the map: a body edit (same symbols) or a new function, alternately
        extra = f"\n\ndef edit_added_{i}(x):\n    return x\n" if i % 2 else f"\n\nbench_value = {i}\n"
        t0 = time.perf_counter()
        index.update_file(focus, text=original + extra)
        repo_map(index, [focus], [], MAP_TOKENS, count_tokens)
        edit_map_ms.append((time.perf_counter() - t0) * 1000)
    t0 = time.perf_counter()
    search(index, SEARCH_QUERY, k=8)  # the first search builds the BM25 index of every chunk
    first_search_ms = (time.perf_counter() - t0) * 1000
    edit_search_ms: list[float] = []
    for i in range(9):  # one edit, then a chat's search (the edited file as focus and recent file), as gather does
        extra = f"\n\ndef search_added_{i}(doc):\n    return doc\n" if i % 2 else f"\n\nsearch_value = {i}\n"
        t0 = time.perf_counter()
        index.update_file(focus, text=original + extra)
        search(index, SEARCH_QUERY, k=8, focus_files=[focus], recent_files=[focus])
        edit_search_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "load_s": built - start, "map_s": done - built, "total_s": done - start,
        "files_parsed": parsed_at_load, "reindex_saved_ms_p50": statistics.median(saved_ms),
        "reindex_buffer_ms_p50": statistics.median(buffer_ms), "map_after_edit_ms": remap_ms,
        "edit_then_map_ms_p50": statistics.median(edit_map_ms), "edit_then_map_ms_max": max(edit_map_ms),
        "first_search_ms": first_search_ms, "edit_then_search_ms_p50": statistics.median(edit_search_ms),
        "edit_then_search_ms_max": max(edit_search_ms),
        "focus_lines": original.count("\n"), "maxrss_mb": _rss_mb(resource.RUSAGE_SELF),
    }


def run_child(mode: str, root: str, focus: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, root, focus], capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_aider(root: str, focus: str, files: list[str]) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(files, f)
        list_file = f.name
    try:
        out = subprocess.run(
            [str(AIDER_PYTHON), "-c", AIDER_PEER, root, focus, list_file],
            capture_output=True, text=True, check=True, cwd=root,
        )
    finally:
        os.unlink(list_file)
    return json.loads(out.stdout.strip().splitlines()[-1])


def ensure_aider() -> str | None:
    """None when aider's RepoMap imports; else why not (after one install attempt)."""
    check = [str(AIDER_PYTHON), "-c", "import aider.repomap"]
    if AIDER_PYTHON.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return None
    print(f"installing aider-chat=={AIDER_VERSION} into {AIDER_VENV} (~685 MB) ...", file=sys.stderr)
    try:
        subprocess.run(["python3", "-m", "venv", str(AIDER_VENV)], check=True)
        subprocess.run([str(AIDER_VENV / "bin/pip"), "install", "-q", f"aider-chat=={AIDER_VERSION}"], check=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        return f"aider install failed ({exc}); install by hand: python3 -m venv {AIDER_VENV} && " \
               f"{AIDER_VENV}/bin/pip install aider-chat=={AIDER_VERSION}"
    if subprocess.run(check, capture_output=True).returncode != 0:
        return "aider installed but `import aider.repomap` fails"
    return None


def bench_corpus(name: str, root: Path, focus: str, with_aider: bool) -> dict[str, object]:
    sys.path.insert(0, str(REPO))
    from context.workspace import Workspace

    files = list(Workspace(root).files())
    row: dict[str, object] = {"files": len(files), "bytes": sum((root / f).stat().st_size for f in files),
                              "focus": focus}
    shutil.rmtree(root / ".caret", ignore_errors=True)
    row["caret_cold"] = run_child("caret-cold", str(root), focus)
    row["caret_warm"] = run_child("caret-warm", str(root), focus)
    if with_aider:
        shutil.rmtree(root / ".aider.tags.cache.v4", ignore_errors=True)
        row["aider_cold"] = run_aider(str(root), focus, files)
        row["aider_warm"] = run_aider(str(root), focus, files)
    print(f"[{name}] {json.dumps(row)}", file=sys.stderr)
    return row


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-aider", action="store_true")
    parser.add_argument("--corpus", choices=["stdlib", "mixed", "all"], default="all")
    parser.add_argument("--child", nargs=3, metavar=("MODE", "ROOT", "FOCUS"))
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(REPO))
        mode, root, focus = args.child
        result = child_caret_cold(root, focus) if mode == "caret-cold" else child_caret_warm(root, focus)
        print(json.dumps(result))
        return
    aider_problem = None if args.skip_aider else ensure_aider()
    with_aider = not args.skip_aider and aider_problem is None
    summary: dict[str, object] = {"aider": "skipped" if args.skip_aider else (aider_problem or AIDER_VERSION),
                                  "cores": os.cpu_count(), "loadavg_1m_at_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory(prefix="caret-bench-") as tmp:
        corpora = {"stdlib": stdlib_corpus, "mixed": mixed_corpus}
        for name, make in corpora.items():
            if args.corpus not in (name, "all"):
                continue
            root = Path(tmp) / name
            root.mkdir()
            focus = make(root)
            row = bench_corpus(name, root, focus, with_aider)
            cold, warm = row["caret_cold"], row["caret_warm"]
            assert isinstance(cold, dict) and isinstance(warm, dict)
            out: dict[str, object] = {
                f"{name}_files": row["files"],
                f"{name}_mb": round(int(row["bytes"]) / 1e6, 1),  # type: ignore[call-overload]
                f"{name}_caret_cold_index_s": round(cold["index_s"], 3),
                f"{name}_caret_cold_index_map_s": round(cold["total_s"], 3),
                f"{name}_caret_cold_cpu_s": round(cold["cpu_s"], 2),
                f"{name}_caret_cold_maxrss_mb": round(cold["maxrss_mb"], 1),
                f"{name}_caret_cold_workers_maxrss_mb": round(cold["workers_maxrss_mb"], 1),
                f"{name}_caret_warm_load_s": round(warm["load_s"], 3),
                f"{name}_caret_warm_load_map_s": round(warm["total_s"], 3),
                f"{name}_caret_warm_files_parsed": warm["files_parsed"],
                f"{name}_caret_warm_maxrss_mb": round(warm["maxrss_mb"], 1),
                f"{name}_caret_reindex_saved_ms_p50": round(warm["reindex_saved_ms_p50"], 2),
                f"{name}_caret_reindex_buffer_ms_p50": round(warm["reindex_buffer_ms_p50"], 2),
                f"{name}_caret_map_after_edit_ms": round(warm["map_after_edit_ms"], 1),
                f"{name}_caret_edit_then_map_ms_p50": round(warm["edit_then_map_ms_p50"], 1),
                f"{name}_caret_edit_then_map_ms_max": round(warm["edit_then_map_ms_max"], 1),
                f"{name}_caret_first_search_ms": round(warm["first_search_ms"], 1),
                f"{name}_caret_edit_then_search_ms_p50": round(warm["edit_then_search_ms_p50"], 1),
                f"{name}_caret_edit_then_search_ms_max": round(warm["edit_then_search_ms_max"], 1),
            }
            if with_aider:
                aider_cold, aider_warm = row["aider_cold"], row["aider_warm"]
                assert isinstance(aider_cold, dict) and isinstance(aider_warm, dict)
                out[f"{name}_aider_cold_map_s"] = round(aider_cold["map_s"], 3)
                out[f"{name}_aider_cold_maxrss_mb"] = round(aider_cold["maxrss_mb"], 1)
                out[f"{name}_aider_warm_map_s"] = round(aider_warm["map_s"], 3)
                out[f"{name}_aider_cold_cpu_s"] = round(aider_cold["cpu_s"], 2)
                out[f"{name}_cold_ratio"] = round(aider_cold["map_s"] / cold["total_s"], 2)
                out[f"{name}_cold_cpu_ratio"] = round(aider_cold["cpu_s"] / cold["cpu_s"], 2)
                out[f"{name}_warm_ratio"] = round(aider_warm["map_s"] / warm["total_s"], 2)
            summary.update(out)
    summary["loadavg_1m_at_end"] = round(os.getloadavg()[0], 2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
