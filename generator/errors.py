"""Errors of the build that are the reader's to fix or to know about (printed without a traceback)."""

from __future__ import annotations


class BuildError(Exception):
    """A problem found while generating (a missing translation, a chart that cannot be rendered); nothing
    was written."""
