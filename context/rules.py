"""Project rules: AGENTS.md, .caret/rules/*.md, and Cursor's .cursorrules / .cursor/rules/*.mdc.

`load_rules(root)` reads every rule file once and records problems as one-line errors (the rule is skipped,
nothing raises). `RuleSet.for_file(rel_path)` answers which rules apply to one file: always-rules, then
rules whose globs match (gitignore-style, like Cursor), then the nearest AGENTS.md. The engine turns the
result into prompt items for chat, edits and ghost text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import pathspec

from context.rules_frontmatter import FrontMatterError, split_front_matter

# Rule files are prose for the model; anything bigger is almost certainly a mistake and would eat the budget.
MAX_RULE_BYTES = 256 * 1024
# Walking for AGENTS.md skips folders that never hold project rules and can be huge.
_SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".tox", "dist", "build", "target", ".caret", ".cursor",
})
# Order of sources inside each group, so output is stable whatever the file system returns.
_SOURCE_ORDER = {"cursorrules": 0, "cursor": 1, "caret": 2, "agents": 3}


@dataclass(frozen=True)
class Rule:
    """One rule file. `path` is relative to the workspace root, with forward slashes."""

    path: str
    text: str
    globs: tuple[str, ...] = ()
    always: bool = False
    description: str = ""
    source: str = "caret"  # "agents" | "caret" | "cursorrules" | "cursor"

    @property
    def scope_dir(self) -> str:
        """For AGENTS.md: the folder it governs ("" for the root)."""
        parent = PurePosixPath(self.path).parent.as_posix()
        return "" if parent == "." else parent


@dataclass(frozen=True)
class RuleSet:
    """All rules of one workspace, plus the one-line errors met while loading them."""

    rules: tuple[Rule, ...] = ()
    errors: tuple[str, ...] = ()
    _specs: dict[str, pathspec.PathSpec] = field(default_factory=dict, repr=False, compare=False)

    @property
    def always_rules(self) -> list[Rule]:
        return [r for r in self.rules if r.source != "agents" and r.always]

    @property
    def manual_rules(self) -> list[Rule]:
        """Rules with neither `always` nor globs: only used when the user asks for them by name."""
        return [r for r in self.rules if r.source != "agents" and not r.always and not r.globs]

    def agents_for(self, rel_path: str) -> Rule | None:
        """The AGENTS.md nearest to `rel_path` (its folder, then each parent up to the root)."""
        by_dir = {r.scope_dir: r for r in self.rules if r.source == "agents"}
        norm = _normalize(rel_path)
        if norm is None:
            return by_dir.get("")
        parent = PurePosixPath(norm).parent
        while True:
            key = "" if parent.as_posix() == "." else parent.as_posix()
            if key in by_dir:
                return by_dir[key]
            if key == "":
                return None
            parent = parent.parent

    def glob_rules_for(self, rel_path: str) -> list[Rule]:
        norm = _normalize(rel_path)
        if norm is None:
            return []
        out = []
        for rule in self.rules:
            if rule.source == "agents" or rule.always or not rule.globs:
                continue
            spec = self._specs.get(rule.path)
            if spec is not None and spec.match_file(norm):
                out.append(rule)
        return out

    def for_file(self, rel_path: str) -> list[Rule]:
        """Always-rules, then glob-matching rules, then the nearest AGENTS.md."""
        out = self.always_rules + self.glob_rules_for(rel_path)
        agents = self.agents_for(rel_path)
        if agents is not None:
            out.append(agents)
        return out

    def for_request(self, paths: Iterable[str]) -> list[Rule]:
        """Rules for a chat or edit touching several files (no files: always-rules and the root AGENTS.md)."""
        paths = list(paths)
        if not paths:
            root_agents = self.agents_for("")
            return self.always_rules + ([root_agents] if root_agents else [])
        globbed: list[Rule] = []
        agents: list[Rule] = []
        for p in paths:
            for rule in self.glob_rules_for(p):
                if rule not in globbed:
                    globbed.append(rule)
            nearest = self.agents_for(p)
            if nearest is not None and nearest not in agents:
                agents.append(nearest)
        return self.always_rules + globbed + agents


def _normalize(rel_path: str) -> str | None:
    """A clean workspace-relative POSIX path, or None for paths outside the workspace."""
    p = rel_path.replace("\\", "/").strip()
    while p.startswith("./"):
        p = p[2:]
    if not p or p == ".":
        return ""
    pure = PurePosixPath(p)
    if pure.is_absolute() or ".." in pure.parts:
        return None
    return pure.as_posix()


def _read_rule_text(path: Path, rel: str, errors: list[str]) -> str | None:
    try:
        size = path.stat().st_size
        if size > MAX_RULE_BYTES:
            errors.append(f"{rel}: rule file is {size} bytes (limit {MAX_RULE_BYTES}); skipped")
            return None
        data = path.read_bytes()
    except OSError as exc:
        errors.append(f"{rel}: cannot read ({exc.strerror or exc}); skipped")
        return None
    if b"\0" in data:
        errors.append(f"{rel}: binary file, not a rule; skipped")
        return None
    try:
        return data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        errors.append(f"{rel}: not UTF-8 (byte {exc.start}); skipped")
        return None


def _as_globs(value: object) -> tuple[str, ...]:
    if value is None or value is False:
        return ()
    items = value if isinstance(value, list) else str(value).split(",")
    return tuple(s for s in (str(i).strip() for i in items) if s)


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"true", "yes", "on", "1"}


def _load_front_matter_rule(path: Path, rel: str, source: str, errors: list[str]) -> Rule | None:
    text = _read_rule_text(path, rel, errors)
    if text is None:
        return None
    try:
        meta, body, had_front_matter = split_front_matter(text)
    except FrontMatterError as exc:
        errors.append(f"{rel}:{exc.line}: {exc.message}; rule skipped")
        return None
    always_key = "alwaysApply" if source == "cursor" else "always"
    globs = _as_globs(meta.get("globs"))
    # A caret rule file without any front matter is plainly meant to apply everywhere.
    always = _as_bool(meta.get(always_key, meta.get("always", False))) or (
        source == "caret" and not had_front_matter
    )
    description = str(meta.get("description") or "").strip()
    return Rule(rel, body.strip("\n"), globs, always, description, source)


def _walk_agents(root: Path) -> list[str]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS)
        if "AGENTS.md" in filenames:
            rel = Path(dirpath, "AGENTS.md").relative_to(root).as_posix()
            found.append(rel)
    return found


def load_rules(root: Path, files: Sequence[str] | None = None) -> RuleSet:
    """Read every rule file under `root`.

    `files` (workspace-relative paths the engine already walked) saves a second walk when looking for
    AGENTS.md; without it the tree is walked here, skipping .git, node_modules and virtualenvs.
    """
    root = Path(root)
    errors: list[str] = []
    rules: list[Rule] = []

    cursorrules = root / ".cursorrules"
    if cursorrules.is_file():
        text = _read_rule_text(cursorrules, ".cursorrules", errors)
        if text is not None:
            rules.append(Rule(".cursorrules", text.strip("\n"), (), True, "", "cursorrules"))

    for folder, suffix, source in ((".cursor/rules", ".mdc", "cursor"), (".caret/rules", ".md", "caret")):
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob(f"*{suffix}")):
            if path.is_file():
                rel = path.relative_to(root).as_posix()
                rule = _load_front_matter_rule(path, rel, source, errors)
                if rule is not None:
                    rules.append(rule)

    agents_paths = (
        sorted(f for f in files if PurePosixPath(f).name == "AGENTS.md") if files is not None
        else _walk_agents(root)
    )
    for rel in agents_paths:
        text = _read_rule_text(root / rel, rel, errors)
        if text is not None:
            rules.append(Rule(rel, text.strip("\n"), (), False, "", "agents"))

    specs: dict[str, pathspec.PathSpec] = {}
    kept: list[Rule] = []
    for rule in rules:
        if rule.globs and not rule.always:
            try:
                specs[rule.path] = pathspec.GitIgnoreSpec.from_lines(rule.globs)
            except (ValueError, TypeError) as exc:
                errors.append(f"{rule.path}:1: bad glob in {list(rule.globs)} ({exc}); rule skipped")
                continue
        kept.append(rule)
    kept.sort(key=lambda r: (_SOURCE_ORDER[r.source], r.path))
    return RuleSet(tuple(kept), tuple(errors), specs)
