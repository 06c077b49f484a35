"""Ghost-text quality on the standard library: masked spans (the rest of a line after `(`, `= ` or `return `; a block
body of 1-4 lines), >= 200 sites with a fixed seed, answered by caret's pipeline (Session.complete, the embedded
model) and by the same model given only the raw text before the cursor (the model alone). Scores: exact match,
first-8-characters match, edit similarity; both answers are cut to the target's line count the same way.

Ablation, from the same answers (no extra model calls): caret's answer before its post-processing, and the model
alone's answer with caret's post-processing, separate what the prompt did from what the post-processor did.
`--lsp` adds definitions from jedi-language-server (then caret also runs without them).

Usage: .venv/bin/python bench/ghost_quality.py [--quick] [--n N] [--seed S] [--budget TOKENS] [--lsp]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.ghost.policy import partial_word
from engine.ghost.postprocess import context_at
from engine.ghost.quality import Scores, Site, elapsed_ms, find_sites, model_alone, request_for, sample_sites
from engine.session import Session

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = ("string.py", "json/decoder.py", "shlex.py", "textwrap.py", "fractions.py", "dataclasses.py", "csv.py",
         "heapq.py", "pprint.py", "calendar.py", "gettext.py", "tokenize.py", "random.py", "statistics.py",
         "difflib.py", "configparser.py", "bisect.py", "queue.py", "sched.py", "shutil.py")
QUICK_FILES = ("json/decoder.py", "textwrap.py", "fractions.py", "shlex.py", "heapq.py", "pprint.py")


def stdlib_sites(files: tuple[str, ...], root: Path) -> list[Site]:
    """Candidate sites of the files with 200-2,000 lines, copied into the workspace at `root`."""
    sites: list[Site] = []
    for name in files:
        source = (STDLIB / name).read_text()
        if not 200 <= source.count("\n") <= 2000:
            continue
        rel = name.replace("/", "_")
        shutil.copyfile(STDLIB / name, root / rel)
        sites += find_sites(rel, source)
    return sites


def unprocessed(raw: str, site: Site) -> str:
    """caret's raw continuation as it would show without post-processing (the healed word stripped)."""
    ctx = context_at(site.text, site.line, site.column)
    word = partial_word(ctx.line_prefix, ctx.line_suffix)
    return raw[len(word):] if word and raw.startswith(word) else raw


async def answer_all(session: Session, sites: list[Site], label: str) -> tuple[Scores, Scores, dict[str, Scores]]:
    """(caret, caret before post-processing, caret by kind) over `sites`."""
    caret, raw_scores = Scores(), Scores()
    by_kind: dict[str, Scores] = {}
    for i, site in enumerate(sites):
        start = time.perf_counter()
        result = await session.complete(request_for(site, "python"))
        ms = elapsed_ms(start)
        caret.add(result.text, site.target, ms)
        raw_scores.add(unprocessed(result.raw, site), site.target, ms)
        by_kind.setdefault(site.kind, Scores()).add(result.text, site.target, ms)
        if i % 20 == 0:
            print(f"{label} {i}/{len(sites)} {json.dumps(caret.summary())}", file=sys.stderr)
    return caret, raw_scores, by_kind


async def alone_all(session: Session, sites: list[Site], budget: int, max_tokens: int) -> tuple[Scores, Scores]:
    """(the model alone, the model alone with caret's post-processing) over `sites`."""
    alone, processed = Scores(), Scores()
    model = session.model("completion")
    for i, site in enumerate(sites):
        start = time.perf_counter()
        raw, post = await model_alone(model, site, budget, max_tokens)
        ms = elapsed_ms(start)
        alone.add(raw, site.target, ms)
        processed.add(post, site.target, ms)
        if i % 20 == 0:
            print(f"alone {i}/{len(sites)} {json.dumps(alone.summary())}", file=sys.stderr)
    return alone, processed


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="40 sites from 6 files")
    parser.add_argument("--n", type=int, default=0, help="sites (default 200, quick 40)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--budget", type=int, default=0, help="completion.prompt_tokens (default: the config's)")
    parser.add_argument("--lsp", action="store_true", help="definitions from jedi-language-server (1 s budget)")
    parser.add_argument("--skip-alone", action="store_true", help="caret only (to compare budgets)")
    args = parser.parse_args()
    n = args.n or (40 if args.quick else 200)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        sites = sample_sites(stdlib_sites(QUICK_FILES if args.quick else FILES, root), n, args.seed)
        flags = {"lsp.enabled": str(args.lsp).lower(), "lsp.ghost_budget_ms": "1000"}
        if args.budget:
            flags["completion.prompt_tokens"] = str(args.budget)
        session = Session.open(root, env={}, flags=flags)
        budget = session.config["completion.prompt_tokens"]
        max_tokens = session.config["completion.max_tokens"]
        await session.model("completion").warm_up()
        out: dict[str, object] = {"sites": len(sites), "seed": args.seed, "budget_tokens": budget,
                                  "kinds": {k: sum(s.kind == k for s in sites) for k in ("call", "assign", "return",
                                                                                          "block")}}
        try:
            caret, caret_raw, by_kind = await answer_all(session, sites, "caret")
            out["caret"] = caret.summary()
            out["caret_by_kind"] = {k: v.summary() for k, v in sorted(by_kind.items())}
            out["ablation_caret_without_postprocess"] = caret_raw.summary()
        finally:
            await session.aclose()
        if args.lsp:  # the same pipeline without definitions
            session = Session.open(root, env={}, flags={**flags, "lsp.enabled": "false"})
            try:
                out["ablation_caret_without_definitions"] = (await answer_all(session, sites, "nodefs"))[0].summary()
            finally:
                await session.aclose()
        if not args.skip_alone:
            session = Session.open(root, env={}, flags={**flags, "lsp.enabled": "false"})
            try:
                alone, alone_post = await alone_all(session, sites, budget, max_tokens)
            finally:
                await session.aclose()
            out["alone"] = alone.summary()
            out["ablation_alone_with_postprocess"] = alone_post.summary()
            out["caret_exact_pct"] = caret.summary()["exact_pct"]
            out["alone_exact_pct"] = alone.summary()["exact_pct"]
            out["ratio_exact"] = ratio(caret.summary()["exact_pct"], alone.summary()["exact_pct"])
        print(json.dumps(out))


if __name__ == "__main__":
    asyncio.run(main())
