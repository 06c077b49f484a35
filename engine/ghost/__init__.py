"""Ghost text, the whole pipeline in one place: request -> context -> prompt -> model stream -> post-processed
suggestion. Session only wires a GhostTextService to its model, project and language servers."""

from engine.ghost.request import GhostText, GhostTextRequest
from engine.ghost.service import GhostTextService

__all__ = ["GhostText", "GhostTextRequest", "GhostTextService"]
