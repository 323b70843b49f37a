"""Preparing and committing a gather (gather.py) into a curation project, and
`python -m app merge` with several ``--theirs``: into a project, or into a copy of it
(``out``). Conflicts stop it, writing nothing, unless ``prefer`` gives an order of sides.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from app.core.curate.overlay import BaseLookup, Overlay
from app.core.io.atomic import SaveError
from app.core.store.curation import Curation
from app.core.store.project import ProjectError
from app.core.store.versions import VersionError, VersionInfo, anchors_from_records
from .gather import MINE, GatherPlan, Side, gather_conflicts, n_way, resolve_in_order
from .lineage import Lineage, VersionRef, open_version
from .merge import MergeError, Resolution
from .merge_projects import _copy_versions, _is_project


def _names(refs: Sequence[VersionRef]) -> list[str]:
    """Each side's name: its author, made unique with the project folder's name."""
    base = [r.author or r.project.name for r in refs]
    out = []
    for i, (name, ref) in enumerate(zip(base, refs)):
        if base.count(name) > 1 or name == MINE:
            name = f"{name} ({ref.project.name})"
        while name in out:
            name = f"{name} #{i + 1}"
        out.append(name)
    return out


def _open_all(theirs: Iterable[Any]) -> list[VersionRef]:
    refs = []
    for t in theirs:
        try:
            refs.append(t if isinstance(t, VersionRef) else open_version(t))
        except VersionError as exc:
            raise MergeError(str(exc)) from None
    seen: dict[str, VersionRef] = {}
    for r in refs:
        if r.id in seen:
            raise MergeError(f"{r.name} of {r.project} is given twice (also as {seen[r.id].project})")
        seen[r.id] = r
    return refs


def plan_gather(curation, theirs: Iterable[Any]) -> GatherPlan:
    """Prepare gathering ``theirs`` (VersionRefs, or paths open_version understands) into
    the Curation's current state. Pure: nothing is written."""
    refs = _open_all(theirs)
    if not refs:
        raise MergeError("nothing to gather: name at least one curator's project")
    mine_hash = curation.release.identity().get("hash")
    for ref in refs:
        if ref.project.absolute() == Path(curation.project.folder).absolute():
            raise MergeError(f"{ref.project} is the project the gather goes into; name the other curators' projects")
        their_hash = (ref.manifest.get("base") or {}).get("hash")
        if their_hash != mine_hash:
            raise MergeError(f"{ref.name} of {ref.project} curates another release (base {their_hash}, this release "
                             f"{mine_hash}); every curator must start from the same release files")
    mine_ov = curation.overlay
    try:
        lineage = Lineage([curation.store, *(r.store for r in refs)])
        mine_ref = VersionRef.of(curation.store, curation.last_version) if curation.last_version else None
        mine_line = lineage.ancestors(mine_ref)
        fresh = [r for r in refs if r.id not in mine_line]  # the others are in my history already
        done = [r for r in refs if r.id in mine_line]
        names = _names(fresh)
        sides, anchors = [], {}
        for name, ref in zip(names, fresh):
            records = ref.store.records(ref.number)
            sides.append(Side(name, ref, ref.store.overlay(ref.number, records)))
            anchors.update(anchors_from_records(records))  # found on this same release: not read again
        with_mine = mine_ref is not None or len(mine_ov) > 0  # an empty new project has nothing to add
        base_ref, warnings = lineage.common_ancestor_of(([mine_ref] if with_mine else []) + fresh) if fresh \
            else (None, [])
        base_ov = base_ref.overlay() if base_ref is not None else Overlay()
    except VersionError as exc:
        raise MergeError(str(exc)) from None
    if with_mine:
        sides.insert(0, Side(MINE, mine_ref, mine_ov))
    if not fresh:
        return GatherPlan(sides, None, mine_ref, mine_ov, {}, {}, [], merged_already=done)
    result, partial, raws = n_way(base_ov, [s.overlay for s in sides], [s.name for s in sides])
    auto = {rid: s for rid, s in result.items() if s != mine_ov.get(rid)}
    conflicts = gather_conflicts(raws, BaseLookup(curation.release.frame))
    return GatherPlan(sides, base_ref, mine_ref, mine_ov, auto, partial, conflicts, merged_already=done,
                      warnings=warnings, anchors=anchors)


def commit_gather(curation, plan: GatherPlan, resolutions: Iterable[Resolution] = (), *,
                  message: str | None = None) -> VersionInfo | None:
    """Apply the plan (one undoable step) and save it as one version whose manifest lists
    every contributor, the base and the resolutions. None: nothing to gather."""
    chosen = {(r.rid, r.field): r for r in resolutions}
    states = plan.states(chosen)
    if plan.nothing_to_merge:
        return None
    if curation.overlay != plan.mine_overlay:
        raise MergeError("the project changed since this gather was prepared; prepare it again")
    who = ", ".join(s.name for s in plan.contributors)
    label = f"Gather {who}"
    # one durable step, as a two-way merge: one journal line, then the version
    return curation.merge_step(states, label, message=message or label, extra={"merge": plan.record(chosen)},
                               anchors=plan.anchors)[1]


# ---- the command line ------------------------------------------------------------------

def format_gather_conflicts(plan: GatherPlan, limit: int = 200) -> str:
    import json

    lines = []
    for c in plan.conflicts[:limit]:
        lines.append(f"{c.locator}  {c.rid:016x}  {c.field} ({c.kind.replace('_', ' vs ')})")
        width = max(len(n) for n in c.names)
        lines += [f"  {n + ':':<{width + 1}} {json.dumps(c.display(n), ensure_ascii=False)}" for n in c.names]
    if len(plan.conflicts) > limit:
        lines.append(f"... and {len(plan.conflicts) - limit} more")
    return "\n".join(lines)


@dataclass
class GatherOutcome:
    plan: GatherPlan
    project: Path
    version: VersionInfo | None = None
    blocked: bool = False
    prefer: Sequence[str] = ()

    def report(self) -> str:
        plan = self.plan
        lines = [f"warning: {w}" for w in plan.warnings] + [plan.summary()]
        if self.blocked:
            n = len(plan.conflicts)
            lines.append(f"{n} conflict{'s' if n != 1 else ''}; nothing was written. Resolve them in the app "
                         "(File > Merge Version...) or run again with --prefer NAME[,NAME...] (whose side wins, "
                         "in order; mine and theirs too):")
            lines.append(format_gather_conflicts(plan))
        elif self.version is not None:
            how = f", {len(plan.conflicts)} conflicts resolved in the order {', '.join(self.prefer)}" \
                if plan.conflicts else ""
            lines.append(f"saved {self.version.name} in {self.project}{how}")
        return "\n".join(lines) + "\n"


def preference(prefer: str | Sequence[str] | None, plan: GatherPlan) -> list[str]:
    """The order of sides ``--prefer`` gives: names, comma-separated; ``theirs`` stands for
    every curator's side in the order given, ``mine`` for the target project's."""
    if prefer is None:
        return []
    items = [p.strip() for p in (prefer.split(",") if isinstance(prefer, str) else prefer) if p.strip()]
    names = [s.name for s in plan.sides]
    out: list[str] = []
    for item in items:
        expand = [n for n in names if n != MINE] if item == "theirs" else [item]
        for name in expand:
            if name not in names and name not in (MINE,):
                raise MergeError(f"--prefer: {name!r} is not one of the sides ({', '.join(names)})")
            if name not in out:
                out.append(name)
    return out


def gather_projects(release, mine: Path | str, theirs: Sequence[Path | str], *, out: Path | str | None = None,
                    prefer: str | Sequence[str] | None = None, message: str | None = None,
                    author: str | None = None) -> GatherOutcome:
    """Gather ``theirs`` (project folders or version files) into the project ``mine``
    (created when it is new), or into a new project ``out`` starting as a copy of
    ``mine``. MergeError on failure."""
    mine = Path(mine).expanduser().absolute()
    try:
        if out is None:
            with Curation.open(release, mine, author=author, fallback=False) as cur:
                if cur.read_only:
                    raise MergeError(f"cannot merge into {mine}: {cur.read_only_reason}")
                return _finish(cur, plan_gather(cur, theirs), mine, prefer, message)
        if not _is_project(mine):
            raise MergeError(f"{mine} is not a curation project (no project.json)")
        out = Path(out).expanduser().absolute()
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise MergeError(f"--out {out} must be a new or empty folder")
        with Curation.open(release, mine, read_only=True) as probe:
            plan, state = plan_gather(probe, theirs), probe.overlay
            order = preference(prefer, plan)
        if (plan.conflicts and not order) or plan.nothing_to_merge:
            return GatherOutcome(plan, out, blocked=bool(plan.conflicts), prefer=order)
        _copy_versions(mine / "versions", out / "versions")
        with Curation.open(release, out, author=author) as cur:
            cur.take_states(dict(state), f"Start from {mine.name}")
            return _finish(cur, plan_gather(cur, theirs), out, prefer, message)
    except (VersionError, ProjectError, SaveError, OSError) as exc:
        raise MergeError(str(exc)) from None


def _finish(cur: Curation, plan: GatherPlan, folder: Path, prefer, message: str | None) -> GatherOutcome:
    order = preference(prefer, plan)
    if plan.conflicts and not order:
        return GatherOutcome(plan, folder, blocked=True)
    if plan.nothing_to_merge:
        return GatherOutcome(plan, folder, prefer=order)
    info = commit_gather(cur, plan, resolve_in_order(plan.conflicts, order), message=message)
    return GatherOutcome(plan, folder, info, prefer=order)
