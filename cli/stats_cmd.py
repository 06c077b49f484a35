"""`caret stats`: the workspace's local ghost-text figures (`.caret/stats`), never sent anywhere."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from cli.common import fail
from engine.ghost.stats import read_events, summarize


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add `caret stats` to the command parsers."""
    parser = sub.add_parser("stats", help="ghost text shown, accepted, retained, latency in this workspace (local)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def _line(label: str, s: dict[str, object]) -> str:
    rate = "-" if s["acceptance_pct"] is None else f"{s['acceptance_pct']} %"
    latency = "-" if s["latency_ms_p50"] is None else f"{s['latency_ms_p50']} / {s['latency_ms_p95']} ms"
    return (f"{label:12} shown {s['shown']}, accepted {s['accepted']}, partly {s['partly_accepted']} ({rate}), "
            f"latency p50/p95 {latency}")


def _retention_line(label: str, s: dict[str, object]) -> str | None:
    """"python       retained after 30s: mean 93.1 %, >= 90 % in 80.0 % of 5 accepts; ..." or None (no checks)."""
    retention = s.get("retention")
    if not isinstance(retention, dict) or not retention:
        return None
    parts = [f"after {delay}: mean {r['mean_pct']} %, >= 90 % in {r['at_least_90_pct']} % of {r['checks']}"
             for delay, r in retention.items()]
    return f"{label:12} retained " + "; ".join(parts)


def run(args: argparse.Namespace) -> int:
    """Print the figures; exit 2 when the workspace is not a folder."""
    root = args.workspace or Path.cwd()
    if not root.is_dir():
        return fail(f"{root}: workspace is not a folder")
    report = summarize(read_events(root))
    if args.json:
        print(json.dumps(report))
        return 0
    by_language = report["by_language"]
    assert isinstance(by_language, dict)
    rows = [("all", report), *by_language.items()]
    for label, figures in rows:
        print(_line(label, figures))
    retained = [line for label, figures in rows if (line := _retention_line(label, figures))]
    print("\n".join(retained) if retained else
          "retention (accepted text still there after 30 s / 2 min): not measured yet (no accept checked)")
    return 0
