"""The errors front-ends catch, in one place so they never import the layers below engine/."""

from context.workspace import WorkspaceError
from engine.config import ConfigError
from engine.files import FileConflict, FileError
from models.base import ModelError
from prompts.render import PromptTooLarge

__all__ = ["ConfigError", "FileConflict", "FileError", "ModelError", "PromptTooLarge", "WorkspaceError"]
