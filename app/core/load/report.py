"""What a load found: rows, files, their formats, bad lines and skipped files, as the
CLI prints them."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .formats import Shape


class ReleaseError(Exception):
    """The release cannot be opened at all (missing path, no readable row)."""


@dataclass(frozen=True)
class BadLine:
    file: str
    line: int
    reason: str


@dataclass(frozen=True)
class SkippedFile:
    file: str
    reason: str


@dataclass(frozen=True)
class FileInfo:
    """Identity of one data file as loaded: enough to notice a changed release."""

    rel: str
    size: int
    mtime_ns: int
    xxh3: str  # hex XXH3-64 of the whole file's bytes
    rows: int
    kind: str = "jsonl"  # jsonl | array (a JSON array) | parquet


@dataclass(frozen=True)
class FileFormat:
    """How many rows of one file are in one format, and the Shape they were read with
    (its paths(): where the fields that are not turns are)."""

    file: str
    format: str
    rows: int
    shape: Shape = field(compare=False, repr=False)


@dataclass
class LoadReport:
    rows: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)
    skipped_files: list[SkippedFile] = field(default_factory=list)
    file_infos: list[FileInfo] = field(default_factory=list)
    # per file, its own format first, then any other format it mixes in
    file_formats: list[FileFormat] = field(default_factory=list)

    @property
    def files(self) -> int:
        """Data files that yielded rows or bad lines (pointer and empty files are skipped)."""
        return len(self.file_infos)

    @property
    def lfs_pointers(self) -> list[SkippedFile]:
        return [s for s in self.skipped_files if s.reason.startswith("Git LFS pointer")]

    def summary(self) -> str:
        parts = [f"{self.rows:,} rows in {self.files} files"]
        if self.bad_lines:
            parts.append(f"{len(self.bad_lines)} bad lines")
        if self.skipped_files:
            parts.append(f"{len(self.skipped_files)} skipped files")
        return ", ".join(parts)

    def to_json(self) -> dict:
        """The stable `validate --json` shape."""
        return {
            "rows": self.rows,
            "files": self.files,
            "bad_lines": [asdict(b) for b in self.bad_lines],
            "skipped_files": [asdict(s) for s in self.skipped_files],
            "file_formats": [{"file": f.file, "format": f.format, "rows": f.rows} for f in self.file_formats],
        }
