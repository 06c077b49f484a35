"""caret's commands in the command palette (F1 / Ctrl+Shift+P): every bound action, listed with its key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.dom import DOMNode

from editor.editing import EditorArea

# The palette itself needs no entry in the palette.
_NOT_LISTED = {"command_palette"}


@dataclass(frozen=True)
class CaretCommand:
    """One palette entry: its name, the key that runs it, and the action (on the app, or on the code view)."""

    name: str
    binding: Binding
    in_editor: bool  # True: the action belongs to the active CodeView (EditorArea), not the app


def caret_commands(app_bindings: Iterable[BindingType], editor_bindings: Iterable[BindingType]) -> list[CaretCommand]:
    """The palette's entries from the app's and the editor's BINDINGS, in that order, one per action."""
    commands: list[CaretCommand] = []
    seen: set[str] = set()
    for bindings, in_editor in ((app_bindings, False), (editor_bindings, True)):
        for binding in bindings:
            if not isinstance(binding, Binding) or binding.action in _NOT_LISTED or binding.action in seen:
                continue
            seen.add(binding.action)
            commands.append(CaretCommand(binding.description or binding.action, binding, in_editor))
    return commands


def first_key(binding: Binding) -> Binding:
    """`binding` with only its first key ("ctrl+h,ctrl+r" shows as Ctrl+H): one key is enough to learn."""
    return replace(binding, key=binding.key.split(",")[0].strip())


class CaretCommands(Provider):
    """The command palette's provider of caret's own commands; each shows its key and runs its action."""

    def _entries(self) -> list[tuple[str, str, Callable[[], Awaitable[bool]]]]:
        app = self.app
        entries: list[tuple[str, str, Callable[[], Awaitable[bool]]]] = []
        for command in caret_commands(app.BINDINGS, EditorArea.BINDINGS):
            key = app.get_key_display(first_key(command.binding))
            # An editor action runs on the active buffer's view (CaretApp.code), looked up when the palette opens.
            target: DOMNode = getattr(app, "code", app) if command.in_editor else app
            entries.append((command.name, key, partial(app.run_action, command.binding.action, target)))
        return entries

    async def search(self, query: str) -> Hits:
        """Entries whose name matches `query`, best first (the palette sorts by score)."""
        matcher = self.matcher(query)
        for name, key, run in self._entries():
            if (score := matcher.match(name)) > 0:
                yield Hit(score, matcher.highlight(name) + _key_label(key), run, text=name)

    async def discover(self) -> Hits:
        """All entries, shown when the palette opens with nothing typed."""
        for name, key, run in self._entries():
            yield DiscoveryHit(Content(name) + _key_label(key), run, text=name)


def _key_label(key: str) -> Content:
    """The key after the command's name, dimmed: shown, not matched."""
    return Content.styled(f"  {key}", "dim")
