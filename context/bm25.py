"""BM25 whose documents can be replaced group by group (one group per file), with no rebuild of the rest.

The scoring is bm25s's default ("lucene": idf = log(1 + (N - df + 0.5) / (df + 0.5)), term part
tf / (tf + k1 * (1 - b + b * len / avg_len)), every query token counted as often as it occurs, unknown tokens
ignored), computed at query time from term frequencies so that N, df and the average length may change.

Postings live in a compact base (arrays, term-major, built once) plus a small delta of documents added since
(dicts); a replaced base document is only masked. Scores are summed token by token in the same order whatever
the layout, so they are bitwise equal to a fresh build's; once the delta and the masked part grow past a share
of the corpus, the base is rebuilt (compaction).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np

Group = tuple[str, Sequence[Sequence[str]]]  # a key (file path) and its documents' tokens
K1 = 1.5
B = 0.75
COMPACT_SHARE = 0.25  # rebuild the base once the delta plus the masked documents exceed this share
COMPACT_MIN = 2000  # ... and this many documents (small corpora are cheap to score from the delta)


class IncrementalBM25:
    """Documents are token lists, grouped by a key (a file path); `replace(key, docs)` swaps a group's
    documents. Slots (document ids) stay valid until the group is replaced or removed."""

    def __init__(self, k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.df: list[int] = []  # per term id: live documents containing it
        self.groups: dict[str, list[int]] = {}  # key -> its slots, in document order
        self.live_docs = 0
        self.total_len = 0
        self._lengths = np.zeros(0)  # per slot; masked slots keep theirs (their scores are zeroed)
        self._alive = np.zeros(0, dtype=bool)
        self._slots_used = 0
        # base: term-major postings (slot, tf) and doc-major term lists (to un-count a masked document)
        self._base_ptr = np.zeros(1, dtype=np.int64)
        self._base_slots = np.zeros(0, dtype=np.int32)
        self._base_tf = np.zeros(0)
        self._doc_ptr = np.zeros(1, dtype=np.int64)
        self._doc_terms = np.zeros(0, dtype=np.int32)
        self._base_count = 0  # slots below this belong to the base
        self._masked = 0  # base documents no longer alive
        # delta: documents added since the base was built
        self._delta_postings: dict[int, dict[int, int]] = {}
        self._delta_docs: dict[int, Counter[int]] = {}
        self._free: list[int] = []  # delta slots to reuse
        self._norm: np.ndarray | None = None  # k1 * (1 - b + b * len / avg_len) per slot, for the current lengths

    # -- building -----------------------------------------------------------------------------------------
    @classmethod
    def build(cls, groups: Sequence[Group], k1: float = K1, b: float = B) -> IncrementalBM25:
        """A fresh index of these groups, every document in the base."""
        bm25 = cls(k1, b)
        bm25._build_base(groups)
        return bm25

    def _build_base(self, groups: Sequence[Group]) -> None:
        vocab = self.vocab = {}
        self.groups = {}
        lengths: list[int] = []
        terms: list[int] = []
        tfs: list[int] = []
        doc_ptr = [0]
        for key, docs in groups:
            first = len(lengths)
            for tokens in docs:
                counts = Counter(tokens)
                for token, tf in counts.items():
                    tid = vocab.get(token)
                    if tid is None:
                        tid = vocab[token] = len(vocab)
                    terms.append(tid)
                    tfs.append(tf)
                doc_ptr.append(len(terms))
                lengths.append(len(tokens))
            self.groups[key] = list(range(first, len(lengths)))
        n = len(lengths)
        term_arr = np.asarray(terms, dtype=np.int32)
        doc_ptr_arr = np.asarray(doc_ptr, dtype=np.int64)
        doc_arr = np.repeat(np.arange(n, dtype=np.int32), doc_ptr_arr[1:] - doc_ptr_arr[:-1])
        order = np.argsort(term_arr, kind="stable")  # term-major, slots ascending within a term
        df = np.bincount(term_arr, minlength=len(vocab))
        self._base_ptr = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        self._base_slots = doc_arr[order]
        self._base_tf = np.asarray(tfs, dtype=np.float64)[order]
        self._doc_ptr = doc_ptr_arr
        self._doc_terms = term_arr
        self.df = df.tolist()
        self._lengths = np.asarray(lengths, dtype=np.float64)
        self._alive = np.ones(n, dtype=bool)
        self._slots_used = self._base_count = self.live_docs = n
        self.total_len = int(sum(lengths))
        self._masked = 0
        self._delta_postings, self._delta_docs, self._free = {}, {}, []
        self._norm = None

    def compact(self, groups: Sequence[Group]) -> None:
        """Rebuild the base from the groups' current documents (callers pass them: this class keeps no text)."""
        self._build_base(groups)

    @property
    def needs_compaction(self) -> bool:
        stale = self._masked + len(self._delta_docs)
        return stale > COMPACT_MIN and stale > COMPACT_SHARE * max(self.live_docs, 1)

    # -- changes ------------------------------------------------------------------------------------------
    def replace(self, key: str, docs: Sequence[Sequence[str]]) -> list[int]:
        """Swap the documents of group `key` (new or existing) for `docs`; returns their slots in order."""
        self.remove(key)
        slots = [self._add(tokens) for tokens in docs]
        self.groups[key] = slots
        self._norm = None
        return slots

    def remove(self, key: str) -> None:
        for slot in self.groups.pop(key, ()):
            self._kill(slot)
        self._norm = None

    def _add(self, tokens: Sequence[str]) -> int:
        slot = self._free.pop() if self._free else self._new_slot()
        counts: Counter[int] = Counter()
        vocab = self.vocab
        for token in tokens:
            tid = vocab.get(token)
            if tid is None:
                tid = vocab[token] = len(vocab)
                self.df.append(0)
            counts[tid] += 1
        for tid, tf in counts.items():
            self.df[tid] += 1
            self._delta_postings.setdefault(tid, {})[slot] = tf
        self._delta_docs[slot] = counts
        self._lengths[slot] = len(tokens)
        self._alive[slot] = True
        self.live_docs += 1
        self.total_len += len(tokens)
        return slot

    def _new_slot(self) -> int:
        if self._slots_used == len(self._lengths):
            grow = max(64, len(self._lengths) // 4)
            self._lengths = np.concatenate([self._lengths, np.zeros(grow)])
            self._alive = np.concatenate([self._alive, np.zeros(grow, dtype=bool)])
        self._slots_used += 1
        return self._slots_used - 1

    def _kill(self, slot: int) -> None:
        self._alive[slot] = False
        self.live_docs -= 1
        self.total_len -= int(self._lengths[slot])
        if slot < self._base_count:
            for tid in self._doc_terms[self._doc_ptr[slot] : self._doc_ptr[slot + 1]].tolist():
                self.df[tid] -= 1
            self._masked += 1
            return
        for tid in self._delta_docs.pop(slot):
            self.df[tid] -= 1
            postings = self._delta_postings[tid]
            del postings[slot]
            if not postings:
                del self._delta_postings[tid]
        self._free.append(slot)

    # -- scoring ------------------------------------------------------------------------------------------
    @property
    def slots(self) -> int:
        """Length of a score vector: every slot ever used (masked ones score 0)."""
        return self._slots_used

    def idf(self, df: int) -> float:
        n = self.live_docs
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _norms(self) -> np.ndarray:
        if self._norm is None:
            avg = self.total_len / self.live_docs if self.total_len else 1.0  # no tokens at all: no postings
            self._norm = self.k1 * ((1 - self.b) + self.b * self._lengths[: self._slots_used] / avg)
        return self._norm

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 score of every slot for this query (unknown tokens ignored; repeated ones count again)."""
        out = np.zeros(self._slots_used)
        if not self.live_docs:
            return out
        norm = self._norms()
        for token in tokens:
            tid = self.vocab.get(token)
            if tid is None or self.df[tid] == 0:
                continue
            idf = self.idf(self.df[tid])
            if tid + 1 < len(self._base_ptr):
                lo, hi = self._base_ptr[tid], self._base_ptr[tid + 1]
                slots, tf = self._base_slots[lo:hi], self._base_tf[lo:hi]
                out[slots] += idf * (tf / (tf + norm[slots]))
            delta = self._delta_postings.get(tid)
            if delta:
                slots = np.fromiter(delta.keys(), dtype=np.int64, count=len(delta))
                tf = np.fromiter(delta.values(), dtype=np.float64, count=len(delta))
                out[slots] += idf * (tf / (tf + norm[slots]))
        if self._masked:
            out[~self._alive[: self._slots_used]] = 0.0
        return out
