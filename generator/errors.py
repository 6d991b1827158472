"""The exceptions openrecord raises, and the one shape every content problem takes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the content, at a place a contributor can open."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class OpenRecordError(Exception):
    """Base of every error openrecord reports to a person rather than as a traceback."""


class ContentError(OpenRecordError):
    """The content has problems; all of them are listed, sorted by place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"{len(self.problems)} {noun} in the content")

    def report(self) -> str:
        """Return every problem, one per line, then a count."""
        lines = [str(problem) for problem in self.problems]
        them = "it" if len(self.problems) == 1 else "them"
        lines.append(f"{self}: fix {them} and run the command again.")
        return "\n".join(lines)


class ConfigError(OpenRecordError):
    """The site configuration (mkdocs.yml) is wrong."""


class HistoryError(OpenRecordError):
    """The git history cannot be read as the published record."""


class EngineError(OpenRecordError):
    """The rendering engine failed on the docs tree."""


class Collector:
    """Gather problems across a stage, then raise them together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        """Record one problem."""
        self.problems.append(Problem(path, line, message))

    def raise_if_any(self) -> None:
        """Stop with every problem gathered so far, if there is one."""
        if self.problems:
            raise ContentError(self.problems)
