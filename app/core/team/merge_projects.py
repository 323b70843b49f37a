"""`python -m app merge`: merge another curator's version into a project folder, or into
a copy of it (``out``), without a window. Conflicts stop it, writing nothing, unless
``prefer`` says whose side wins them all.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from app.core.io.atomic import SaveError
from app.core.store.curation import Curation
from app.core.store.project import PROJECT_FILE, ProjectError
from app.core.store.versions import VersionError, VersionInfo

from .merge import MergeError, MergePlan, commit_merge, format_conflicts, plan_merge, resolve_all


@dataclass
class MergeOutcome:
    plan: MergePlan
    project: Path  # the project the merge went (or would go) into
    version: VersionInfo | None = None
    blocked: bool = False  # conflicts and no preference: nothing was written
    prefer: str | None = None

    def report(self) -> str:
        plan = self.plan
        lines = [f"warning: {w}" for w in plan.warnings] + [plan.summary()]
        if self.blocked:
            n = len(plan.conflicts)
            lines.append(f"{n} conflict{'s' if n != 1 else ''}; nothing was written. Resolve them in the app "
                         "(File > Merge Version...) or run again with --prefer mine|theirs:")
            lines.append(format_conflicts(plan))
        elif self.version is not None:
            how = f", {len(plan.conflicts)} conflicts resolved as {self.prefer}" if plan.conflicts else ""
            lines.append(f"saved {self.version.name} in {self.project}{how}")
        return "\n".join(lines) + "\n"


def _is_project(folder: Path) -> bool:
    return (folder / PROJECT_FILE).is_file()


def merge_projects(release, mine: Path | str, theirs: Path | str, *, out: Path | str | None = None,
                   prefer: str | None = None, message: str | None = None, author: str | None = None) -> MergeOutcome:
    """Merge ``theirs`` (a project folder or a version file) into the project ``mine``,
    or into a new project ``out`` that starts as a copy of ``mine``. MergeError on failure."""
    mine = Path(mine).expanduser().absolute()
    if not _is_project(mine):
        raise MergeError(f"{mine} is not a curation project (no {PROJECT_FILE})")
    if prefer not in (None, "mine", "theirs"):
        raise MergeError("--prefer is 'mine' or 'theirs'")
    try:
        if out is None:
            with Curation.open(release, mine, author=author) as cur:
                if cur.read_only:
                    raise MergeError(f"cannot merge into {mine}: {cur.read_only_reason}")
                return _finish(cur, plan_merge(cur, theirs), mine, prefer, message)
        out = Path(out).expanduser().absolute()
        if out.exists() and (not out.is_dir() or any(out.iterdir())):
            raise MergeError(f"--out {out} must be a new or empty folder")
        with Curation.open(release, mine, read_only=True) as probe:
            plan, state = plan_merge(probe, theirs), probe.overlay
        if (plan.conflicts and prefer is None) or plan.nothing_to_merge:
            return MergeOutcome(plan, out, blocked=bool(plan.conflicts), prefer=prefer)
        _copy_versions(mine / "versions", out / "versions")
        with Curation.open(release, out, author=author) as cur:
            cur.take_states(dict(state), f"Start from {mine.name}")
            return _finish(cur, plan_merge(cur, theirs), out, prefer, message)
    except (VersionError, ProjectError, SaveError, OSError) as exc:
        raise MergeError(str(exc)) from None


def _finish(cur: Curation, plan: MergePlan, folder: Path, prefer: str | None, message: str | None) -> MergeOutcome:
    if plan.conflicts and prefer is None:
        return MergeOutcome(plan, folder, blocked=True)
    if plan.nothing_to_merge:
        return MergeOutcome(plan, folder, prefer=prefer)
    resolutions = resolve_all(plan, prefer) if plan.conflicts else []
    info = commit_merge(cur, plan, resolutions, message=message)
    return MergeOutcome(plan, folder, info, prefer=prefer)


def _copy_versions(source: Path, target: Path) -> None:
    """The new project keeps mine's versions, so its history (and later merges) see them."""
    target.mkdir(parents=True, exist_ok=True)
    if source.is_dir():
        for p in sorted(source.iterdir()):
            if p.suffix in (".json", ".jsonl") and not p.name.startswith("."):
                shutil.copy2(p, target / p.name)
