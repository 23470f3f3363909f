"""The one error hierarchy. ``generator.cli`` maps it to exit codes; nothing else does."""

from __future__ import annotations


class GitopsGenError(Exception):
    """Base class for every error a user can cause. Its message is one line, printed as is."""

    exit_code = 2


class ConfigError(GitopsGenError):
    """An environment file is missing, malformed or invalid (message names file:line:col and key)."""


class InputError(GitopsGenError):
    """A manifest, schema or command-line input cannot be read."""


class UnreadableFile(InputError):
    """One manifest file or kustomize directory cannot be read: invalid YAML or JSON, not UTF-8, not
    readable, or kustomize refuses to build it. Named on the command line, it ends the run (exit 2, the
    message); found while walking a directory, ``validate`` reports it as an ``unreadable-input`` finding
    at ``file:line:column`` (1-based; 0 when unknown) and goes on with the rest. ``problem`` is the message
    without its position."""

    def __init__(self, message: str, file: str = "", line: int = 0, column: int = 0, problem: str = "") -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem or message


class RenderError(GitopsGenError):
    """kustomize is missing or failed to render an overlay."""


class KustomizeRefused(RenderError):
    """kustomize ran and refused the directory (it exited non-zero); ``detail`` is its error without
    klog's time stamp, the same text for the same input. Not raised when kustomize cannot run at all
    (missing, timed out): that is no property of the directory."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail or message


class GitError(GitopsGenError):
    """The repository is not in a state we may write to (hand edits, lock held, not a repo)."""


class ValidationFailed(GitopsGenError):
    """Validation found errors, so a build refuses to commit."""

    exit_code = 1


def excerpt(value: object, limit: int = 40) -> str:
    """A short, escaped, quoted excerpt of user input for error messages (never the whole input).

    Control characters, newlines and non-ASCII are escaped (``repr`` style), so a hostile file can neither
    flood the terminal nor send it escape sequences; longer texts are cut to ``limit`` characters.
    """
    text = value if isinstance(value, str) else str(value)
    cut = len(text) > limit
    quoted = ascii(text[:limit])
    return quoted[:-1] + "..." + quoted[-1] if cut else quoted


def sanitize(message: str, limit: int = 300) -> str:
    """``message`` on one line with control characters escaped, cut to ``limit`` characters."""
    safe = "".join(ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in message)
    return safe if len(safe) <= limit else safe[: limit - 3] + "..."
