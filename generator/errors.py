"""The one error hierarchy. ``generator.cli`` maps it to exit codes; nothing else does."""

from __future__ import annotations


class GitopsGenError(Exception):
    """Base class for every error a user can cause. Its message is one line, printed as is."""

    exit_code = 2


class ConfigError(GitopsGenError):
    """An environment file is missing, malformed or invalid (message names file:line:col and key)."""


class InputError(GitopsGenError):
    """A manifest, schema or command-line input cannot be read."""


class RenderError(GitopsGenError):
    """kustomize is missing or failed to render an overlay."""


class GitError(GitopsGenError):
    """The repository is not in a state we may write to (hand edits, lock held, not a repo)."""


class ValidationFailed(GitopsGenError):
    """Validation found errors, so a build refuses to commit."""

    exit_code = 1
