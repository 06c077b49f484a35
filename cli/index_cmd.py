"""`caret index`: build (or refresh) the workspace index under .caret/index, with progress on stderr."""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import TextIO

from cli.common import fail, open_session, print_problems
from engine.errors import ConfigError


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret index` to the command parsers."""
    parser = sub.add_parser("index", help="index the workspace (symbols, chunks, reference graph)")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cache and parse every file")
    parser.add_argument("--json", action="store_true", help="print a JSON summary on stdout")
    return parser


class ProgressBar:
    """A one-line bar on a terminal; a line every 10% when stderr is a file or pipe."""

    def __init__(self, stream: TextIO = sys.stderr, width: int = 30) -> None:
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
        """End the bar's line on a terminal."""
        if self.tty:
            self.stream.write("\n")


def run(args: argparse.Namespace) -> int:
    """Build the index; a summary on stdout, progress and skipped files on stderr."""
    try:
        session = open_session(args)
    except ConfigError as exc:
        return fail(str(exc))
    print_problems(session)
    bar = ProgressBar()
    started = time.perf_counter()
    built = session.build_index(progress=bar, rebuild=args.rebuild)
    bar.close()
    elapsed = time.perf_counter() - started
    summary = {
        "files": built.files,
        "parsed": built.parsed,
        "from_cache": built.from_cache,
        "definitions": built.definitions,
        "chunks": built.chunks,
        "errors": len(built.errors),
        "seconds": round(elapsed, 2),
    }
    if args.json:
        print(json.dumps(summary))
    else:
        print(f"indexed {summary['files']} files ({summary['parsed']} parsed, {summary['from_cache']} from cache), "
              f"{summary['definitions']} definitions, {summary['chunks']} chunks in {elapsed:.2f} s")
        for path, reason in built.errors[:10]:
            print(f"caret: skipped {path}: {reason}", file=sys.stderr)
    return 0
