"""Turns a model choice (plain strings from config) into a Model, sharing one instance per distinct choice."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from models.base import Model, ModelError
from models.embedded import EMBEDDED_NAMES, embedded_path
from models.local import DEFAULT_CONTEXT, LocalModel


@dataclass(frozen=True)
class ModelSpec:
    """A model choice as config states it: plain strings and numbers, hashable so equal choices share a Model."""

    provider: str  # "local" | "openai"
    model: str  # embedded name or GGUF path (local); model id (remote)
    base_url: str = ""
    api_key: str = ""
    context_window: int = 0
    threads: int = 0
    timeout_s: float = 60.0
    max_retries: int = 2
    prompt_lookup: int = 0  # local: tokens drafted by prompt-lookup speculative decoding; 0 = off


def local_model_path(model: str) -> Path:
    """The GGUF file of an embedded model name or of a path; ModelError when there is none."""
    if model in EMBEDDED_NAMES:
        return embedded_path(model)
    path = Path(model).expanduser()
    if path.suffix.lower() != ".gguf":
        raise ModelError(
            f"local model {model!r} is neither an embedded model ({', '.join(EMBEDDED_NAMES)}) nor a .gguf file"
        )
    if not path.is_file():
        raise ModelError(f"local model file not found: {path}")
    return path


def create_model(spec: ModelSpec) -> Model:
    """A new Model for `spec`; nothing loads or connects until it is used."""
    if spec.provider == "local":
        # Resolve the path lazily: assembling the embedded Gemma file must not delay start-up.
        return LocalModel(
            spec.model,
            lambda: local_model_path(spec.model),
            n_ctx=spec.context_window or DEFAULT_CONTEXT,
            n_threads=spec.threads or None,
            prompt_lookup=spec.prompt_lookup,
        )
    if spec.provider == "openai":
        from models.remote import RemoteModel

        return RemoteModel(
            name=spec.model,
            base_url=spec.base_url or None,
            api_key=spec.api_key or None,
            context_window=spec.context_window or None,
            timeout_s=spec.timeout_s,
            max_retries=spec.max_retries,
        )
    raise ModelError(f"unknown model provider {spec.provider!r}; choose local or openai")


class ModelRegistry:
    """One live Model per distinct spec: chat and edit share the same loaded weights when they name the same."""

    def __init__(self) -> None:
        self._models: dict[ModelSpec, Model] = {}

    def get(self, spec: ModelSpec) -> Model:
        model = self._models.get(spec)
        if model is None:
            model = self._models[spec] = create_model(spec)
        return model

    async def aclose(self) -> None:
        models, self._models = list(self._models.values()), {}
        for model in models:
            await model.aclose()
