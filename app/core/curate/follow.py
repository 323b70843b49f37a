"""Following decisions into a changed release.

When the release a project curates changed (re-serialised, rows edited or deleted
upstream, a file replaced by an LFS pointer), each decided row is looked for again:

- its row id is still in the release (the same raw line) -> it stays, unless the number
  of copies of that line changed (then which copy it was is unknowable: stale);
- else a row with the same content id (the same JSON object, anchors.py) and the same
  number of copies takes it (the k-th copy for the k-th) -> it moves;
- else it is stale: listed with the reason and the row now at its old place, for the
  curator to re-apply there or discard. Nothing is re-targeted on a guess, nothing
  dropped without a word.

Only rows of files that changed since the anchors were taken, with the same text lengths
as some anchor, have their content ids computed: a few rows, not the whole release.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

import polars as pl

from .anchors import LENGTHS, Anchor, content_ids, copies_of, located


@dataclass(frozen=True)
class Stale:
    """A decision that no longer applies to any row of the release."""

    rid: int  # the row id it was made on
    anchor: Anchor | None  # where and what the row was (None: recorded before anchors existed)
    reason: str
    here: int | None = None  # the row now at the anchor's file:line, if there is one

    @property
    def where(self) -> str:
        return f"{self.anchor.file}:{self.anchor.line}" if self.anchor else "?"


class StaleDecisionsError(Exception):
    """An export would leave out decisions that no longer apply (``stale``)."""

    def __init__(self, stale: list[Stale], overlay):
        self.stale = stale
        shown = ", ".join(f"{s.where} {describe(overlay.get(s.rid))}" for s in stale[:10])
        more = f" and {len(stale) - 10} more" if len(stale) > 10 else ""
        n = len(stale)
        super().__init__(f"{n} decision{'s' if n != 1 else ''} no longer appl{'y' if n != 1 else 'ies'} to the release "
                         f"({shown}{more}): re-apply or discard {'them' if n != 1 else 'it'} in the app, or export "
                         "with --drop-stale to leave them out")


def describe(state) -> str:
    """A decision in a few words: 'reject (重复)', 'edit output', 'accept, edit output'."""
    if state is None or state.is_empty:
        return "none"
    parts = []
    if state.decision:
        verb = {"rejected": "reject", "accepted": "accept"}[state.decision]
        parts.append(verb + (f" ({state.reason})" if state.reason else ""))
    if state.fields:
        parts.append("edit " + ", ".join(state.fields))
    if state.note is not None:
        parts.append("note")
    if state.flag:
        parts.append("flag")
    return ", ".join(parts)


@dataclass
class Followed:
    moves: dict[int, int] = field(default_factory=dict)  # old rid -> new rid
    stale: list[Stale] = field(default_factory=list)

    @property
    def stale_rids(self) -> set[int]:
        return {s.rid for s in self.stale}


def follow(release, rids: Iterable[int], anchors: Mapping[int, Anchor],
           unchanged_files: Mapping[str, str] | None = None) -> Followed:
    """Where the decisions on ``rids`` belong in ``release``.

    ``unchanged_files``: file -> XXH3 of the files as they were when the anchors were
    taken; rows of a file whose hash is the same cannot be where a missing row went.
    """
    rids = list(dict.fromkeys(rids))
    out = Followed()
    if not rids:
        return out
    keys = pl.Series("rid", rids, dtype=pl.UInt64)
    present = set(keys.to_frame().join(release.frame.select("rid"), on="rid", how="inner")["rid"].to_list())
    # A row still there stays, unless its line now has another number of copies.
    kept = [r for r in rids if r in present and r in anchors]
    if kept:
        now = copies_of(release, pl.Series(kept, dtype=pl.UInt64))
        for rid, n in zip(now["rid"].to_list(), now["n"].to_list()):
            if n != anchors[rid].n:
                out.stale.append(_copies(rid, anchors[rid], n))
    missing = [r for r in rids if r not in present]
    lost = [r for r in missing if r not in anchors]
    out.stale += [Stale(r, None, "the row is no longer in the release (its content was not recorded)") for r in lost]
    sought = {r: anchors[r] for r in missing if r in anchors}
    if sought:
        _match(release, sought, set(rids), unchanged_files or {}, out)
    _locate(release, out)
    return out


def _copies(rid: int, anchor: Anchor, n: int) -> Stale:
    return Stale(rid, anchor, f"this row's line now appears {n} time{'s' if n != 1 else ''} in the release "
                              f"(it appeared {anchor.n}): which copy the decision was on is unknown")


def _match(release, sought: Mapping[int, Anchor], decided: set[int], unchanged: Mapping[str, str], out: Followed) -> None:
    wanted = pl.DataFrame([a.lengths for a in sought.values()], schema=list(LENGTHS), orient="row").unique()
    changed = [f.rel for f in release.report.file_infos if unchanged.get(f.rel) != f.xxh3]
    frame = located(release).with_row_index("_pos")
    candidates = (frame.filter(pl.col("file").is_in(changed))
                  .join(wanted.cast({c: pl.UInt32 for c in LENGTHS}), on=list(LENGTHS), how="semi")
                  .sort("_pos"))
    cids = content_ids(release, candidates)
    by_cid: dict[int, list[int]] = {}
    for rid, cid in zip(candidates["rid"].to_list(), cids):
        if cid is not None:
            by_cid.setdefault(cid, []).append(rid)
    taken: dict[int, int] = {}
    for rid, anchor in sought.items():
        found = by_cid.get(anchor.cid, [])
        if not found:
            out.stale.append(Stale(rid, anchor, "the row is no longer in the release"))
        elif len(found) != anchor.n:
            out.stale.append(_copies(rid, anchor, len(found)))
        else:
            target = found[anchor.k]
            if target in decided:  # the same content, decided on its own: keep both apart
                out.stale.append(Stale(rid, anchor, "the row it matches has a decision of its own"))
                continue
            if target in taken:  # two decisions claim one row: neither is placed on a guess
                other = taken.pop(target)
                out.moves.pop(other, None)
                out.stale.append(Stale(other, sought[other], "two decisions match this row"))
                out.stale.append(Stale(rid, anchor, "two decisions match this row"))
                continue
            taken[target] = rid
            out.moves[rid] = target


def _locate(release, out: Followed) -> None:
    """Fill in, for each stale decision, the row now at its old place (if any), and say
    "other content" where there is one."""
    placed = [s for s in out.stale if s.anchor is not None]
    if not placed:
        return
    probe = pl.DataFrame({"file": [s.anchor.file for s in placed], "line": [s.anchor.line for s in placed]},
                         schema={"file": pl.String, "line": pl.UInt32}).with_row_index("_i")
    hits = probe.join(release.frame.select("file", "line", "rid"), on=["file", "line"], how="inner")
    here = dict(zip(hits["_i"].to_list(), hits["rid"].to_list()))
    fixed = {}
    for i, s in enumerate(placed):
        rid = here.get(i)
        if rid is None or rid == s.rid:
            continue
        reason = s.reason
        if reason == "the row is no longer in the release":
            reason = "the row at this place now has other content"
        fixed[id(s)] = Stale(s.rid, s.anchor, reason, rid)
    out.stale = [fixed.get(id(s), s) for s in out.stale]


def listed(release, rids: Iterable[int], anchors: Mapping[int, Anchor], reasons: Mapping[int, str]) -> list[Stale]:
    """The stale decisions among ``rids`` (those no longer in the release), each with its
    reason (as recorded when it went stale) and the row now at its old place."""
    rids = list(rids)
    if not rids:
        return []
    keys = pl.Series("rid", rids, dtype=pl.UInt64).to_frame()
    gone = keys.join(release.frame.select("rid"), on="rid", how="anti", maintain_order="left")["rid"].to_list()
    out = Followed(stale=[Stale(r, anchors.get(r), reasons.get(r) or "the row is no longer in the release")
                          for r in gone])
    _locate(release, out)
    return sorted(out.stale, key=lambda s: (s.anchor is None, s.anchor.file if s.anchor else "",
                                            s.anchor.line if s.anchor else 0, s.rid))
