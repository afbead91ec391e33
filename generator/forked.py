"""Work done in a forked process, for the parts of a build that can go on side by side on two cores."""

from __future__ import annotations

import os
import pickle
import tempfile
from typing import Any


class Forked:
    """fn() in a forked process, its result sent back pickled in a temporary file (a pipe moved 60 MB at
    50 MB/s here). result() waits for it; if the child failed, fn() runs again here, so that its error is
    raised as it would be without children."""

    def __init__(self, fn: Any):
        self.fn = fn
        fd, self.path = tempfile.mkstemp(prefix="briefing-", suffix=".pickle")
        self.pid = os.fork()
        if self.pid == 0:  # the child: work, send, leave without running the parent's exit handlers
            code = 1
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump(fn(), fh, protocol=pickle.HIGHEST_PROTOCOL)
                code = 0
            finally:
                os._exit(code)
        os.close(fd)

    def result(self) -> Any:
        _, status = os.waitpid(self.pid, 0)
        try:
            with open(self.path, "rb") as fh:
                payload = fh.read() if status == 0 else b""
        finally:
            os.unlink(self.path)
        return pickle.loads(payload) if payload else self.fn()

    def kill(self) -> None:
        """The parent failed: its error goes up, the child's work is not needed."""
        try:
            os.kill(self.pid, 9)
        except ProcessLookupError:
            pass
        self.wait()

    def wait(self) -> None:
        """The parent failed: let the child finish (say, the files it is writing), and forget its result."""
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        if os.path.exists(self.path):
            os.unlink(self.path)
