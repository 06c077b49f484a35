"""Ignore and secret rules: `.gitignore` (nested) + `.caretignore`, always-skipped folders, secret file names."""

from __future__ import annotations

import fnmatch
import os
import re
from pathlib import PurePosixPath

import pathspec

ALWAYS_SKIPPED_DIRS: frozenset[str] = frozenset({
    ".git", ".hg", ".svn", ".venv", "node_modules", "__pycache__", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".tox",
})
# caret's own cache and unsaved-buffer copies live inside the workspace; never index or watch them.
CARET_INDEX_DIR = ".caret/index"
CARET_CONFIG_FILE = ".caret/config.toml"
CARET_RECOVERY_DIR = ".caret/recovery"
CARET_CHATS_DIR = ".caret/chats"  # saved chat sessions (engine/chat_sessions.py)
_CARET_DIRS = (CARET_INDEX_DIR, CARET_RECOVERY_DIR, CARET_CHATS_DIR)
IGNORE_FILES: tuple[str, ...] = (".gitignore", ".caretignore")

_SECRET_GLOBS: tuple[str, ...] = (
    ".env", ".env.*", ".env*", "*.pem", "*.key", "*.p12", "*.pfx", "*.jks", "*.keystore", "id_rsa*",
    "id_dsa*", "id_ecdsa*", "id_ed25519*", "credentials.json", "credentials", ".netrc", "_netrc", ".npmrc",
    ".pypirc", ".git-credentials", ".htpasswd", "secrets.json", "secrets.yaml", "secrets.yml",
    "service-account*.json", "client_secret*.json",
)
_SECRET_RE = re.compile("|".join(fnmatch.translate(g) for g in _SECRET_GLOBS), re.IGNORECASE)

# Extensions that are never text; saves reading them to sniff for NUL bytes.
BINARY_EXTENSIONS: frozenset[str] = frozenset({
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".ico", ".webp", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz",
    ".7z", ".tar", ".so", ".dylib", ".dll", ".exe", ".o", ".a", ".pyc", ".pyo", ".class", ".jar", ".whl",
    ".woff", ".woff2", ".ttf", ".otf", ".mp3", ".mp4", ".wav", ".ogg", ".mov", ".sqlite", ".db", ".gguf",
    ".bin", ".npy", ".npz", ".pkl", ".parquet",
})


def is_secret(path: str | os.PathLike[str]) -> bool:
    """True for files that must not enter the index or a prompt unless the user names them."""
    return _SECRET_RE.match(os.path.basename(os.fspath(path))) is not None


class IgnoreRules:
    """Answers whether a workspace-relative POSIX path is ignored, honouring every ignore file on its way.

    A deeper ignore file overrides a shallower one (git's rule); an ignored folder hides everything in it.
    """

    def __init__(self, root: str) -> None:
        self._root = root
        self._specs: dict[str, pathspec.GitIgnoreSpec | None] = {}

    def spec_for(self, rel_dir: str) -> pathspec.GitIgnoreSpec | None:
        """The combined ignore rules written in folder `rel_dir` ("" for the root), cached."""
        if rel_dir in self._specs:
            return self._specs[rel_dir]
        lines: list[str] = []
        for name in IGNORE_FILES:
            try:
                with open(os.path.join(self._root, rel_dir, name), encoding="utf-8", errors="replace") as f:
                    lines.extend(f.read().splitlines())
            except OSError:
                continue
        spec = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        self._specs[rel_dir] = spec
        return spec

    def forget(self, rel_dir: str | None = None) -> None:
        """Drop cached rules (after an ignore file changed)."""
        if rel_dir is None:
            self._specs.clear()
        else:
            self._specs.pop(rel_dir, None)

    def _matched(self, rel_path: str, is_dir: bool) -> bool:
        parts = rel_path.split("/")
        verdict = False
        for depth in range(len(parts)):
            spec = self.spec_for("/".join(parts[:depth]))
            if spec is None:
                continue
            sub = "/".join(parts[depth:]) + ("/" if is_dir else "")
            result = spec.check_file(sub)
            if result.include is not None:
                verdict = result.include
        return verdict

    def ignored_entry(self, rel_path: str, is_dir: bool) -> bool:
        """Whether this entry itself is ignored (its parents are assumed not to be)."""
        name = rel_path.rsplit("/", 1)[-1]
        if is_dir and (name in ALWAYS_SKIPPED_DIRS or rel_path in _CARET_DIRS):
            return True
        if not is_dir and rel_path == CARET_CONFIG_FILE:
            return True  # it may hold an API key: never indexed, never retrieved
        return self._matched(rel_path, is_dir)

    def ignored(self, rel_path: str) -> bool:
        """Whether `rel_path` or any folder above it is ignored."""
        parts = PurePosixPath(rel_path).parts
        for depth in range(1, len(parts)):
            if self.ignored_entry("/".join(parts[:depth]), True):
                return True
        return bool(parts) and self.ignored_entry("/".join(parts), False)
