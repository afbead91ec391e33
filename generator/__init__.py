"""Briefing generator: cited data in, a comparative industry-briefing website out."""

__version__ = "0.1.0"
