"""Ghost-text quality on the standard library: masked spans (the rest of a line after `(`, `= ` or `return `; a block
body of 1-4 lines), >= 200 sites with a fixed seed, answered by caret's pipeline (Session.complete, the embedded
model) and by the same model given only the raw text before the cursor (the model alone). Scores: exact match,
first-8-characters match, edit similarity; both answers are cut to the target's line count the same way.

The workspace is realistic: every top-level module of the standard library plus the json package (~170 files,
130k lines), indexed before the first request, so retrieval has something to find. The masked file's own chunks are
never retrieved (retrieval leaves the current file out; its index copy still holds the masked span).

Ablation: caret's answer before its post-processing and the model alone's answer with caret's post-processing (from
the same answers), then caret again per `--ablate` entry (`completion.context`): X leaves part X out of `--context`
(default: the shipped default), +X adds it, none: no parts, all: every part. `--lsp` adds definitions from
jedi-language-server. The model alone's answers are cached per (site, budget, model) in
/tmp/caret-ghost-quality-alone.json, so reruns only pay for caret's side. A JSON line is printed after each stage
(caret, the model alone, each ablation): the last line holds everything measured so far.

Usage: .venv/bin/python bench/ghost_quality.py [--quick] [--n N] [--seed S] [--budget TOKENS] [--lsp]
       [--context PARTS] [--ablate none,all,+retrieved,after] [--dump FILE.jsonl] [--wait S]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import shutil
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from engine.config import SCHEMA
from engine.ghost import retrieval
from engine.ghost.context import CONTEXT_PARTS, context_parts
from engine.ghost.policy import healed_span
from engine.ghost.postprocess import context_at
from engine.ghost.prompt import cached_counter
from engine.ghost.quality import (
    Scores,
    Site,
    elapsed_ms,
    find_sites,
    model_alone,
    prepare,
    raw_prefix,
    request_for,
    sample_sites,
)
from engine.session import Session

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILES = ("string.py", "json/decoder.py", "shlex.py", "textwrap.py", "fractions.py", "dataclasses.py", "csv.py",
         "heapq.py", "pprint.py", "calendar.py", "gettext.py", "tokenize.py", "random.py", "statistics.py",
         "difflib.py", "configparser.py", "bisect.py", "queue.py", "sched.py", "shutil.py")
QUICK_FILES = ("json/decoder.py", "textwrap.py", "fractions.py", "shlex.py", "heapq.py", "pprint.py")
PACKAGES = ("json",)  # besides the top-level modules
ALONE_CACHE = Path("/tmp/caret-ghost-quality-alone.json")


def stdlib_workspace(root: Path) -> None:
    """The standard library's top-level modules and PACKAGES, copied to `root`."""
    for path in STDLIB.glob("*.py"):
        shutil.copyfile(path, root / path.name)
    for package in PACKAGES:
        shutil.copytree(STDLIB / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "tests"))


def stdlib_sites(files: tuple[str, ...]) -> list[Site]:
    """Candidate sites of the files with 200-2,000 lines."""
    sites: list[Site] = []
    for name in files:
        source = (STDLIB / name).read_text()
        if 200 <= source.count("\n") <= 2000:
            sites += find_sites(name, source)
    return sites


def target_line(site: Site) -> str:
    """The target's first line, stripped, when long enough that finding it verbatim in a prompt means a leak."""
    line = site.target.split("\n")[0].strip()
    return line if len(line) >= 12 else "\0"


def unprocessed(raw: str, site: Site) -> str:
    """caret's raw continuation as it would show without post-processing (the healed word stripped)."""
    ctx = context_at(site.text, site.line, site.column)
    word = healed_span(ctx.line_prefix, ctx.line_suffix)
    return raw[len(word):] if word and raw.startswith(word) else raw


DUMP: list[Path] = []  # --dump: per-site answers and prompts, one JSON line each


def dump(label: str, site: Site, answer: str, raw: str, prompt: str) -> None:
    """One site's answer for reading afterwards (--dump)."""
    if DUMP:
        with DUMP[0].open("a") as out:
            out.write(json.dumps({"label": label, "path": site.path, "line": site.line, "kind": site.kind,
                                  "target": site.target, "answer": answer, "raw": raw, "prompt": prompt}) + "\n")


async def answer_all(session: Session, sites: list[Site], label: str, seen: list[bool] | None = None
                     ) -> tuple[Scores, Scores, dict[str, Scores]]:
    """(caret, caret before post-processing, caret by kind) over `sites`; `seen` gets, per site, whether the
    target's first line was in caret's prompt."""
    caret, raw_scores = Scores(), Scores()
    by_kind: dict[str, Scores] = {}
    await prepare(session)
    for i, site in enumerate(sites):
        start = time.perf_counter()
        result = await session.complete(request_for(site, "python"))
        ms = elapsed_ms(start)
        if seen is not None:
            seen.append(target_line(site) in result.prompt)
        caret.add(result.text, site.target, ms)
        dump(label, site, result.text, result.raw, result.prompt)
        raw_scores.add(unprocessed(result.raw, site), site.target, ms)
        by_kind.setdefault(site.kind, Scores()).add(result.text, site.target, ms)
        if i % 20 == 0:
            print(f"{label} {i}/{len(sites)} {json.dumps(caret.summary())}", file=sys.stderr)
    return caret, raw_scores, by_kind


def alone_key(site: Site, budget: int, model: str, max_tokens: int) -> str:
    """The cache key of the model alone's answer at `site`."""
    what = json.dumps([site.path, site.line, site.column, site.kind, site.target, site.text, budget, model, max_tokens])
    return hashlib.sha256(what.encode()).hexdigest()


def read_alone_cache() -> dict[str, list[object]]:
    """ALONE_CACHE's answers; {} when missing or half-written by another run."""
    try:
        return dict(json.loads(ALONE_CACHE.read_text()))
    except (OSError, ValueError):
        return {}


async def alone_all(session: Session, sites: list[Site], budget: int, max_tokens: int) -> tuple[Scores, Scores]:
    """(the model alone, the model alone with caret's post-processing) over `sites`, cached in ALONE_CACHE (read
    again on a miss and merged on write, so an `--only-alone` run can fill it at the same time)."""
    alone, processed = Scores(), Scores()
    model = session.model("completion")
    cache = read_alone_cache()
    for i, site in enumerate(sites):
        key = alone_key(site, budget, model.name, max_tokens)
        if key not in cache:
            cache.update(read_alone_cache())
        if key in cache:
            raw, post, ms = (str(cache[key][0]), str(cache[key][1]), float(str(cache[key][2])))
        else:
            start = time.perf_counter()
            raw, post = await model_alone(model, site, budget, max_tokens)
            ms = elapsed_ms(start)
            cache = {**read_alone_cache(), **cache, key: [raw, post, ms]}
            ALONE_CACHE.write_text(json.dumps(cache))
        dump("alone", site, post, raw, "")
        alone.add(raw, site.target, ms)
        processed.add(post, site.target, ms)
        if i % 20 == 0:
            print(f"alone {i}/{len(sites)} {json.dumps(alone.summary())}", file=sys.stderr)
    return alone, processed


def ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if b else None


def alone_prompt_has_target(session: Session, site: Site, budget: int, max_tokens: int) -> bool:
    """True when the model alone's prompt holds the target's first line (the file repeats it above the cursor)."""
    offset = sum(len(line) + 1 for line in site.text.split("\n")[: site.line]) + site.column
    prompt = raw_prefix(site.text[:offset], budget - max_tokens, cached_counter(session.model("completion")))
    return target_line(site) in prompt


async def caret_run(root: Path, flags: dict[str, str], sites: list[Site], label: str,
                    seen: list[bool] | None = None) -> tuple[Scores, Scores, dict[str, Scores]]:
    """caret's answers with `flags`, in a session of its own."""
    session = Session.open(root, env={}, flags=flags)
    try:
        await session.model("completion").warm_up()
        return await answer_all(session, sites, label, seen)
    finally:
        await session.aclose()


def ablation(full: Scores, without: Scores) -> dict[str, object]:
    """A run without one context part against the full run: its scores, and the sites it lost and won."""
    lost = sum(a and not b for a, b in zip(full.exact, without.exact, strict=True))
    won = sum(b and not a for a, b in zip(full.exact, without.exact, strict=True))
    return {**without.summary(), "exact_sites_lost": lost, "exact_sites_won": won}


def ablations(setting: str, default: list[str], every: list[str]) -> list[tuple[str, list[str]]]:
    """(name, parts) per `--ablate` entry: "X" leaves part X out of the default, "+X" adds it, "none" leaves all
    out, "all" keeps every part."""
    out: list[tuple[str, list[str]]] = []
    for entry in [e.strip() for e in setting.split(",") if e.strip()]:
        if entry == "none":
            out.append(("without_all_parts", []))
        elif entry == "all":
            out.append(("with_all_parts", every))
        elif entry.startswith("+"):
            out.append((f"with_{entry[1:]}", [p for p in every if p in default or p == entry[1:]]))
        else:
            out.append((f"without_{entry}", [p for p in default if p != entry]))
    return out


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="40 sites from 6 files")
    parser.add_argument("--n", type=int, default=0, help="sites (default 200, quick 40)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--budget", type=int, default=0, help="completion.prompt_tokens (default: the config's)")
    parser.add_argument("--lsp", action="store_true", help="definitions from jedi-language-server (1 s budget)")
    parser.add_argument("--skip-alone", action="store_true", help="caret only (to compare budgets)")
    parser.add_argument("--only-alone", action="store_true", help="the model alone only (fills the cache)")
    parser.add_argument("--context", default=SCHEMA["completion.context"].default,
                        help="caret's completion.context (default: the shipped default)")
    parser.add_argument("--ablate", default="none,all",
                        help="caret again per entry: X leaves part X out, +X adds it, none: no parts, all: every part "
                             "('' for no ablation)")
    parser.add_argument("--dump", default="", help="write each site's answers and caret's prompts to this JSONL")
    parser.add_argument("--wait", type=float, default=5.0,
                        help="seconds a request may wait for retrieval (the editor: 0.1; a cursor that stayed a while "
                             "has its chunks, so the benchmark waits for them)")
    args = parser.parse_args()
    retrieval.WAIT_S = args.wait
    if args.dump:
        DUMP.append(Path(args.dump))
    n = args.n or (40 if args.quick else 200)
    every = [p for p in CONTEXT_PARTS if p != "definitions" or args.lsp]
    default = [p for p in every if p in context_parts(args.context)]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stdlib_workspace(root)
        sites = sample_sites(stdlib_sites(QUICK_FILES if args.quick else FILES), n, args.seed)
        flags = {"lsp.enabled": str(args.lsp).lower(), "lsp.ghost_budget_ms": "1000",
                 "completion.context": ",".join(default) or "none"}
        if args.budget:
            flags["completion.prompt_tokens"] = str(args.budget)
        out: dict[str, object] = {"sites": len(sites), "seed": args.seed, "workspace": "stdlib top level + json",
                                  "context": flags["completion.context"],
                                  "kinds": {k: sum(s.kind == k for s in sites) for k in ("call", "assign", "return",
                                                                                          "block")}}
        seen: list[bool] = []
        caret, caret_raw = Scores(), Scores()
        by_kind: dict[str, Scores] = {}
        if not args.only_alone:
            caret, caret_raw, by_kind = await caret_run(root, flags, sites, "caret", seen)
            out["caret"] = caret.summary()
            out["caret_by_kind"] = {k: v.summary() for k, v in sorted(by_kind.items())}
            out["ablation_caret_without_postprocess"] = caret_raw.summary()
            out["target_line_in_caret_prompt"] = sum(seen)
            print(json.dumps(out), flush=True)  # each stage prints the figures so far: the last line is the fullest
        if not args.skip_alone:
            session = Session.open(root, env={}, flags={**flags, "lsp.enabled": "false"})
            try:
                budget = session.config["completion.prompt_tokens"]
                max_tokens = session.config["completion.max_tokens"]
                out["budget_tokens"] = budget
                alone, alone_post = await alone_all(session, sites, budget, max_tokens)
                out["target_line_in_alone_prompt"] = sum(alone_prompt_has_target(session, s, budget, max_tokens)
                                                         for s in sites)
            finally:
                await session.aclose()
            out["alone"] = alone.summary()
            out["ablation_alone_with_postprocess"] = alone_post.summary()
            out["caret_exact_pct"] = caret.summary()["exact_pct"]
            out["alone_exact_pct"] = alone.summary()["exact_pct"]
            out["ratio_exact"] = ratio(caret.summary()["exact_pct"], alone.summary()["exact_pct"])
            print(json.dumps(out), flush=True)
        ablated: dict[str, object] = {}
        out["ablation_context"] = ablated
        for name, kept in [] if args.only_alone else ablations(args.ablate, default, every):
            without = (await caret_run(root, {**flags, "completion.context": ",".join(kept) or "none"}, sites,
                                       name))[0]
            ablated[name] = ablation(caret, without)
            print(json.dumps(out), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
