"""The only stage that touches disk: atomic writes, unchanged files left alone, hand-written pages protected."""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .render import MARKER

MANIFEST = ".generated.json"


class ClashError(Exception):
    """A generated file would overwrite a file the generator did not write."""


@dataclass
class WriteReport:
    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _is_ours(path: Path, rel: str, manifest: set[str]) -> bool:
    if rel in manifest:
        return True
    if path.suffix == ".md":
        try:
            with path.open("r", encoding="utf-8") as fh:
                # The marker is the first line, or the second after the page's H1.
                return MARKER in (fh.readline().rstrip("\n"), fh.readline().rstrip("\n"))
        except (OSError, UnicodeDecodeError):
            return False
    return False


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_clashes(out: Path, files: dict[str, bytes]) -> list[str]:
    """Targets that exist and were not written by the generator (hand-written pages)."""
    manifest = read_manifest(out)
    return sorted(rel for rel in files if (out / rel).exists() and not _is_ours(out / rel, rel, manifest))


def read_manifest(out: Path) -> set[str]:
    try:
        return set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def write_all(out: Path, files: dict[str, bytes]) -> WriteReport:
    """Write every file that changed, remove files we wrote before that are no longer planned."""
    out = Path(out)
    clashes = check_clashes(out, files)
    if clashes:
        raise ClashError(clashes)
    old = read_manifest(out)
    report = WriteReport()
    for rel in sorted(files):
        target = out / rel
        data = files[rel]
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                report.unchanged += 1
                continue
        except OSError:
            pass
        _atomic_write(target, data)
        report.written.append(rel)
    for rel in sorted(old - set(files)):
        target = out / rel
        if target.exists() and _is_ours(target, rel, old):
            target.unlink()
            report.removed.append(rel)
            _prune(target.parent, out)
    manifest = json.dumps({"generator": "python -m generator build", "files": sorted(files)},
                          ensure_ascii=False, indent=0).encode("utf-8")
    if not (out / MANIFEST).exists() or (out / MANIFEST).read_bytes() != manifest:
        _atomic_write(out / MANIFEST, manifest)
    return report


def _prune(folder: Path, stop: Path) -> None:
    """Remove folders left empty by removals, up to the output root."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
