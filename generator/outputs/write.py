"""The only stage that touches disk: atomic writes, unchanged files left alone, hand-written pages protected."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from generator.pages.render import MARKER

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
                # The marker is the first line, or the first after the page's front matter (up to 8 lines).
                return MARKER in [fh.readline().rstrip("\n") for _ in range(10)]
        except (OSError, UnicodeDecodeError):
            return False
    return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Files are created with mode 0o644; only a umask that takes bits away from it needs a chmod afterwards.
_UMASK_HIDES_644 = bool(_umask() & 0o644)


def _atomic_write(path: Path, data: bytes, made: set[str] | None = None) -> None:
    """Write to a temporary file beside the target, then rename it over the target.

    made: folders already created in this run (each folder is created once; with the temporary file
    opened directly, a build of 20,000 files makes a third of the system calls it used to).
    """
    folder = str(path.parent)
    if made is None or folder not in made:
        path.parent.mkdir(parents=True, exist_ok=True)
        if made is not None:
            made.add(folder)
    chmod = _UMASK_HIDES_644
    for attempt in range(100):
        tmp = f"{folder}/.{path.name}.{os.getpid()}.{attempt}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - a hundred stale temporary files of this process
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        chmod = True
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if chmod:
                os.fchmod(fh.fileno(), 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_clashes(out: Path, files: dict[str, bytes], skip: dict | None = None) -> list[str]:
    """Targets that exist and were not written by the generator (hand-written pages).

    skip: paths known to be ours already (see write_all's known), not looked at again.
    """
    manifest = read_manifest(out)
    return sorted(rel for rel in files
                  if not (skip and rel in skip) and (out / rel).exists() and not _is_ours(out / rel, rel, manifest))


def read_manifest(out: Path) -> set[str]:
    try:
        return set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def write_all(out: Path, files: dict[str, bytes], known: dict[str, tuple[bytes, int, int]] | None = None
              ) -> WriteReport:
    """Write every file that changed, remove files we wrote before that are no longer planned.

    known: what an earlier call wrote or found (path -> bytes, size, mtime in ns), kept by a caller that
    writes again and again (the serve hook): a file whose bytes are the same as then and whose size and
    mtime show it untouched since is not read again. It is updated as files are written or checked.
    """
    out = Path(out)
    clashes = check_clashes(out, files, skip=known)
    if clashes:
        raise ClashError(clashes)
    old = read_manifest(out)
    report = WriteReport()
    ordered = sorted(files)
    written = _write_files(out, files, ordered, known)
    report.written = sorted(written)
    report.unchanged = len(ordered) - len(written)
    for rel in sorted(old - set(files)):
        if known is not None:
            known.pop(rel, None)
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


def _write_files(out: Path, files: dict[str, bytes], names: list[str],
                 known: dict[str, tuple[bytes, int, int]] | None) -> list[str]:
    """Write those of these files whose bytes changed; the names of those written (see write_all)."""
    base = str(out)
    made: set[str] = set()
    written = []
    for rel in names:
        data = files[rel]
        if known is not None and rel in known and known[rel][0] == data:
            with contextlib.suppress(OSError):
                st = os.stat(f"{base}/{rel}")
                if (st.st_size, st.st_mtime_ns) == known[rel][1:]:
                    continue
        target = out / rel
        try:
            same = target.stat().st_size == len(data) and target.read_bytes() == data
        except OSError:
            same = False
        if not same:
            _atomic_write(target, data, made)
            written.append(rel)
        if known is not None:
            st = target.stat()
            known[rel] = (data, st.st_size, st.st_mtime_ns)
    return written


def _prune(folder: Path, stop: Path) -> None:
    """Remove folders left empty by removals, up to the output root."""
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
