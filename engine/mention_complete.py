"""@-mention autocomplete for the front-ends: the fuzzy candidates context/ ranks (files, folders, symbols, @docs,
@diff), computed on a thread so a big workspace never holds the event loop while the user types."""

from __future__ import annotations

import asyncio
import weakref
from typing import TYPE_CHECKING

from context.index import WorkspaceIndex
from context.mentions import Candidate
from context.mentions import mention_candidates as rank_candidates

if TYPE_CHECKING:
    from engine.project import ProjectContext
    from engine.session import Session

MentionCandidate = Candidate  # what a front-end shows: label, kind, insert_text ("@path"), score, matched positions

# Per index (weakly, so a closed session's index goes): (version, files, symbol names). Rebuilt only when the
# index changed, not per keystroke.
_NAMES: weakref.WeakKeyDictionary[WorkspaceIndex, tuple[int, list[str], list[str]]] = weakref.WeakKeyDictionary()


def _index_names(index: WorkspaceIndex) -> tuple[list[str], list[str]]:
    """The index's files and definition names. Off the index's worker thread: `list()` copies the records in one
    step (records are replaced on change, never edited in place), so a concurrent update cannot break the walk."""
    version = index.version
    hit = _NAMES.get(index)
    if hit is not None and hit[0] == version:
        return hit[1], hit[2]
    records = list(index.records.items())
    files = sorted(path for path, _ in records)
    names = list(dict.fromkeys(d.name for _, record in records for d in record.definitions))
    _NAMES[index] = (version, files, names)
    return files, names


def rank_mentions(project: ProjectContext, prefix: str, limit: int) -> list[Candidate]:
    """Candidates for '@prefix', best first; before the index is built, files and folders only."""
    index = project.index
    files, names = _index_names(index) if index is not None else (project.files(), [])
    return rank_candidates(prefix, files, names, project.docs.names(), limit)


async def mention_candidates(session: Session, prefix: str, limit: int = 12) -> list[Candidate]:
    """Autocomplete entries for what the user typed after '@' (no '@'), best first; ranked on a thread."""
    return await asyncio.to_thread(rank_mentions, session._project, prefix, limit)
