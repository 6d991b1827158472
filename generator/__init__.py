"""openrecord: compile a Git repository of public records into a static website."""

from __future__ import annotations

__version__ = "0.1.0"
