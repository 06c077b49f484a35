"""@-mention autocomplete and docs search latency on a real tree (Textual's installed sources).

Measures `mention_candidates` (fuzzy ranking over every file, folder and def/class name) for a set of
typed prefixes, and `DocsLibrary.search` over the API of the installed `textual` package read by
docs_pydoc (index build time reported separately). No peer: these are caret's own figures for the
interactive paths (an autocomplete popup should answer well within a keystroke).

Run: .venv/bin/python bench/context_mentions.py [--reps N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from context.docs import DocsLibrary, DocsSource
from context.mentions_fuzzy import mention_candidates

QUERIES = ["w", "wid", "txtar", "widgets/text", "DataTable", "scrl", "css/parse", "zzzz"]
DOC_QUERIES = ["how to bind a key to an action", "scroll to the end of a log", "set the cursor in a text area",
               "mount a widget", "query one widget by id"]


def p50(xs: list[float]) -> float:
    return round(statistics.median(xs), 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=5)
    args = ap.parse_args()
    import textual

    root = Path(textual.__file__).parent
    files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    symbols: list[str] = []
    for f in files:
        if f.endswith(".py"):
            symbols += re.findall(r"^\s*(?:def|class)\s+(\w+)", (root / f).read_text(errors="replace"), re.M)

    fuzzy_ms: list[float] = []
    for _ in range(args.reps):
        for q in QUERIES:
            t = time.perf_counter()
            mention_candidates(q, files, symbols, ["textual", "python"], 20)
            fuzzy_ms.append((time.perf_counter() - t) * 1000)

    with tempfile.TemporaryDirectory() as cache:
        lib = DocsLibrary([DocsSource("textual", "python", "textual")], cache_dir=Path(cache))
        t = time.perf_counter()
        n_chunks = len(lib.load_chunks("textual"))
        build_ms = (time.perf_counter() - t) * 1000
        search_ms: list[float] = []
        for _ in range(args.reps):
            for q in DOC_QUERIES:
                t = time.perf_counter()
                lib.search("textual", q, 5)
                search_ms.append((time.perf_counter() - t) * 1000)
        top = lib.search("textual", DOC_QUERIES[0], 1)

    print(f"{len(files)} files, {len(symbols)} symbols; docs: {n_chunks} chunks; top hit for "
          f"{DOC_QUERIES[0]!r}: {top[0].title if top else None}", file=sys.stderr)
    print(json.dumps({
        "files": len(files), "symbols": len(symbols), "doc_chunks": n_chunks,
        "fuzzy_ms_p50": p50(fuzzy_ms), "fuzzy_ms_max": round(max(fuzzy_ms), 2),
        "docs_index_build_ms": round(build_ms, 1), "docs_search_ms_p50": p50(search_ms),
    }))


if __name__ == "__main__":
    main()
