"""Refuse remote kustomize inputs before kustomize runs: validation is offline.

kustomize fetches an entry of ``resources`` / ``bases`` / ``components`` (and the plugin and config lists)
over the network when it is not a local path: a URL with a scheme is fetched over HTTP for a single file,
and git-like specs are cloned (kubernetes-sigs/kustomize ``api/internal/git/repospec.go``,
``parseHostSpec``: the prefixes ``git::``, ``gh:``, ``ssh://``, ``https://``, ``http://``, ``git@``,
``github.com:``, ``github.com/``, plus ``_git/`` Azure specs and ``?ref=`` queries; the clone timeout is
27 s per attempt). A host that never answers then blocks a validation for minutes. Local entries are
followed recursively, so a remote base two kustomizations down is found too. Local paths win, as in
kustomize's file loader: an entry that exists on disk is never remote.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from generator.errors import InputError, excerpt
from generator.kustomize.files import read_kustomization

_FIELDS = ("resources", "bases", "components", "transformers", "generators", "validators", "configurations", "crds")
_GIT_PREFIXES = ("git::", "gh:", "ssh://", "https://", "http://", "git@", "github.com:", "github.com/")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")

# Set by `gitops-gen validate --allow-remote` around its loading (the loader layers in between need not
# know about the flag); everything else, including `build`'s validation, is offline.
REMOTE_ALLOWED: ContextVar[bool] = ContextVar("gitops_gen_remote_allowed", default=False)


@contextlib.contextmanager
def allowing_remote(allowed: bool) -> Iterator[None]:
    token = REMOTE_ALLOWED.set(allowed)
    try:
        yield
    finally:
        REMOTE_ALLOWED.reset(token)


@dataclass(frozen=True)
class RemoteRef:
    kustomization: Path
    field: str
    entry: str


def is_remote(entry: str, base: Path) -> bool:
    """Whether kustomize would fetch ``entry`` (listed in the kustomization in directory ``base``)."""
    if entry.startswith("file://"):
        return False
    try:
        if (base / entry).exists():
            return False
    except (OSError, ValueError):
        pass
    if _SCHEME.match(entry) or entry.lower().startswith(_GIT_PREFIXES):
        return True
    if "_git/" in entry or "?ref=" in entry or "?version=" in entry:
        return True
    first, sep, _ = entry.partition("/")
    return bool(sep) and "." in first and first not in (".", "..")  # a host: gitlab.example.com/org/repo


def remote_references(directory: Path) -> list[RemoteRef]:
    """Every remote entry of the kustomization in ``directory`` and of the local ones it pulls in."""
    found: list[RemoteRef] = []
    seen: set[Path] = set()
    pending = [directory.resolve()]
    while pending:
        current = pending.pop(0)
        if current in seen or not current.is_dir():
            continue
        seen.add(current)
        loaded = read_kustomization(current)  # unreadable: kustomize reports it, offline
        if loaded is None:
            continue
        kfile, data = loaded
        for field in _FIELDS:
            entries = data.get(field)
            for entry in entries if isinstance(entries, list) else []:
                if not isinstance(entry, str):
                    continue
                if is_remote(entry, current):
                    found.append(RemoteRef(kfile, field, entry))
                elif (current / entry).is_dir():
                    pending.append((current / entry).resolve())
        charts = data.get("helmCharts")
        for chart in charts if isinstance(charts, list) else []:
            repo = chart.get("repo") if isinstance(chart, dict) else None
            if isinstance(repo, str) and _SCHEME.match(repo) and not repo.startswith("file://"):
                found.append(RemoteRef(kfile, "helmCharts", repo))
    return found


def refuse_remote(directory: Path) -> None:
    """InputError (exit 2) naming the first remote entry, unless remote inputs were allowed."""
    if REMOTE_ALLOWED.get():
        return
    refs = remote_references(directory)
    if refs:
        first = refs[0]
        more = f" (and {len(refs) - 1} more)" if len(refs) > 1 else ""
        problem = (
            f"{first.field} entry {excerpt(first.entry, 100)} is remote{more}; validation is offline and never "
            "fetches it (vendor it into the repository, or pass --allow-remote)"
        )
        raise RemoteRefused(f"{first.kustomization}: {problem}", first, problem)


class RemoteRefused(InputError):
    """A kustomization (or one it pulls in) names a remote input and remote inputs were not allowed.
    ``ref``: the first such entry; ``problem``: the message without the file."""

    def __init__(self, message: str, ref: RemoteRef | None = None, problem: str = "") -> None:
        super().__init__(message)
        self.ref = ref
        self.problem = problem or message
