"""`caret index`: build (or refresh) the workspace index under .caret/index, with progress on stderr."""

from __future__ import annotations

import argparse
import json
import sys
import time

from cli.common import fail, open_session
from engine.errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = sub.add_parser("index", help="index the workspace (symbols, chunks, reference graph)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cache and parse every file")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    return parser


class ProgressBar:
    """A one-line bar on a terminal; a line every 10% when stderr is a file or pipe."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream, self.width = stream, width
        self.tty = stream.isatty()
        self._last_decile = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        if self.tty:
            filled = int(self.width * fraction)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(f"\rindexing [{bar}] {done}/{total} files")
            self.stream.flush()
        elif int(fraction * 10) != self._last_decile:
            self._last_decile = int(fraction * 10)
            self.stream.write(f"indexing {done}/{total} files\n")

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")


def run(args: argparse.Namespace) -> int:
    try:
        session = open_session(args)
    except ConfigError as exc:
        return fail(str(exc))
    bar = ProgressBar()
    started = time.perf_counter()
    index = session.project.build_index(progress=bar, use_cache=not args.rebuild)
    bar.close()
    elapsed = time.perf_counter() - started
    summary = {
        "files": len(index.records),
        "parsed": index.files_parsed,
        "from_cache": len(index.records) - index.files_parsed,
        "definitions": sum(len(r.definitions) for r in index.records.values()),
        "chunks": len(index.chunks),
        "errors": len(index.errors),
        "seconds": round(elapsed, 2),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"indexed {summary['files']} files ({summary['parsed']} parsed, {summary['from_cache']} from cache), "
              f"{summary['definitions']} definitions, {summary['chunks']} chunks in {elapsed:.2f} s")
        for path, reason in list(index.errors.items())[:10]:
            print(f"caret: skipped {path}: {reason}", file=sys.stderr)
    return 0
