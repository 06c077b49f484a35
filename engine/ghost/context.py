"""Context for ghost text: the project rules for the file and the definitions near the cursor.

Ghost text runs per keystroke, so it never waits on the index; language servers get a budget of milliseconds.
"""

from __future__ import annotations

from engine.definitions import DefinitionProvider
from engine.gather import rule_items
from engine.privacy import may_send_definition
from engine.project import ProjectContext
from prompts.items import ContextItem


async def gather_for_ghost(
    project: ProjectContext,
    path: str,
    text: str,
    line: int,
    definitions: DefinitionProvider | None = None,
    lsp_budget_s: float = 0.05,
) -> tuple[list[ContextItem], list[ContextItem]]:
    """(rules, items) for ghost text: never waits on the index; language servers get `lsp_budget_s`."""
    rules = rule_items((await project.ready_rules()).for_file(path))
    items: list[ContextItem] = []
    if definitions is not None:
        found = await definitions(path, text, line, lsp_budget_s)
        items = [i for i in found if may_send_definition(project.workspace, i.path)]  # never a secret's lines
        # A stable order keeps the prompt's stable part identical between keystrokes (KV cache reuse).
        items.sort(key=lambda i: (i.path, i.range or (0, 0)))
    return rules, items
