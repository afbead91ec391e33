"""A progress bar on a terminal (tqdm), silence elsewhere (CI has no TTY)."""

from __future__ import annotations

import contextlib
import sys
from typing import Iterator


class Silent:
    def update(self, n: int = 1) -> None:
        pass


@contextlib.contextmanager
def progress(total: int, unit: str, enabled: bool | None = None) -> Iterator:
    """Yield an object with update(n); a tqdm bar only when stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    if not enabled:
        yield Silent()
        return
    from tqdm import tqdm

    with tqdm(total=total, unit=unit, leave=False, file=sys.stderr, dynamic_ncols=True) as bar:
        yield bar
