"""The generated tree on disk: reading it, the build lock, and the atomic swap of generated roots.

A *root* is a repo-relative POSIX path (a directory such as ``base`` or ``overlays/prod``, or a single
file such as ``.github/workflows/gitops.yaml``) that one build owns completely: after the build, every
file under it is exactly the rendered set, and nothing outside the roots is ever touched.

Writing is a three-phase swap through a staging directory inside the repository (same filesystem, so
every move is a ``rename``): the new files are written and validated under ``<tmp>/new``; then every old
root is moved aside to ``<tmp>/old`` and every new root moved in; then ``<tmp>`` is deleted. A journal in
``<tmp>`` lets :func:`recover` roll an interrupted swap back to the old tree, so a killed build never
leaves a half-written tree behind. This module and :mod:`generator.gitops.git` are the only writers.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import itertools
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from generator.errors import GitError, InputError, excerpt

TMP_PREFIX = ".gitops-gen-tmp-"
LOCK_NAME = "gitops-gen.lock"
STATE_NAME = "gitops-gen-written.json"
_JOURNAL = "journal.json"
_COMMITTED = "committed"
# Paths a build may never own, whatever a renderer claims.
_FORBIDDEN_TOP = frozenset({"", ".", "..", ".git", "environments", "generator", "tests", "bench"})


FAULT_ENV = "GITOPS_GEN_TEST_FAULT"


def fault_point(name: str) -> None:
    """Test-only crash hook: ``GITOPS_GEN_TEST_FAULT=<name>`` SIGKILLs this process at the named point.

    The crash-recovery tests use it to kill a real build deterministically between two steps (for example
    ``after-ref``: HEAD moved, index not yet updated), in addition to killing at random times.
    """
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


def blob_sha(data: bytes) -> str:
    """The git blob id of ``data`` (so on-disk, rendered, index and HEAD contents compare by id)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + "/")


def _check_rel(path: str, what: str) -> None:
    pure = PurePosixPath(path)
    if (
        not path
        or pure.is_absolute()
        or "\\" in path
        or any(part in ("", ".", "..") for part in path.split("/"))
        or pure.parts[0] in _FORBIDDEN_TOP
        or pure.parts[0].startswith(TMP_PREFIX)
    ):
        raise InputError(f"refusing to write {what} {path!r}: not a safe generated path")


def normalize_roots(roots: Iterable[str], files: Iterable[str] = ()) -> list[str]:
    """Sorted, de-duplicated roots, plus a file root for any rendered file outside every root.

    Raises InputError for unsafe paths (absolute, ``..``, ``.git``, ``environments``...) and for nested roots.
    """
    result = sorted({r.rstrip("/") for r in roots})
    for root in result:
        _check_rel(root, "generated root")
    for a, b in itertools.pairwise(result):
        if is_under(b, a):
            raise InputError(f"generated roots overlap: {a!r} contains {b!r}")
    extra: set[str] = set()
    for path in files:
        _check_rel(path, "generated file")
        if not any(is_under(path, r) for r in result):
            extra.add(path)
    return sorted([*result, *extra])


def refuse_symlinks(repo_root: Path, roots: Iterable[str]) -> None:
    """InputError naming the first symlink among the generated paths: a root, a directory above one, or
    anything inside one. A build writes by renaming roots in place, and an ``overlays`` that links elsewhere
    would make it write (and delete) files outside the repository; a linked file inside a root would be
    silently replaced. Nothing is followed here (``lstat`` only)."""
    for root in roots:
        parts = PurePosixPath(root).parts
        for i in range(1, len(parts) + 1):
            rel = "/".join(parts[:i])
            if (repo_root / rel).is_symlink():
                _symlink_error(repo_root, rel)
        top = repo_root / root
        if top.is_dir():
            for dirpath, dirnames, filenames in os.walk(top):  # os.walk never descends into linked dirs
                dirnames.sort()
                for name in sorted(dirnames + filenames):
                    if Path(dirpath, name).is_symlink():
                        _symlink_error(repo_root, Path(dirpath, name).relative_to(repo_root).as_posix())


def _symlink_error(repo_root: Path, rel: str) -> None:
    try:
        target = excerpt(os.readlink(repo_root / rel), 120)
    except OSError:
        target = "?"
    raise InputError(
        f"refusing to write through a symlink: {rel} -> {target} is a generated path (gitops-gen writes "
        "base/, components/, overlays/, argocd/ and .github/workflows/ itself; replace the link by a directory)"
    )


def read_tree(repo_root: Path, roots: Iterable[str]) -> dict[str, bytes]:
    """Every file currently on disk under ``roots`` (repo-relative POSIX path -> bytes; symlinks as targets)."""
    out: dict[str, bytes] = {}
    for root in roots:
        top = repo_root / root
        if top.is_symlink() or top.is_file():
            out[root] = _read(top)
        elif top.is_dir():
            for dirpath, dirnames, filenames in os.walk(top):
                dirnames.sort()
                for name in sorted(filenames) + [d for d in dirnames if Path(dirpath, d).is_symlink()]:
                    full = Path(dirpath, name)
                    out[full.relative_to(repo_root).as_posix()] = _read(full)
    return dict(sorted(out.items()))


def _read(path: Path) -> bytes:
    if path.is_symlink():
        return os.readlink(path).encode()
    return path.read_bytes()


@dataclass(frozen=True)
class Changes:
    """What turns one file set into another, by path."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]

    @classmethod
    def between(cls, old: Mapping[str, str], new: Mapping[str, str]) -> Changes:
        """Compare two ``path -> blob id`` maps."""
        return cls(
            added=tuple(sorted(p for p in new if p not in old)),
            changed=tuple(sorted(p for p in new if p in old and old[p] != new[p])),
            removed=tuple(sorted(p for p in old if p not in new)),
        )

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def summary(self) -> str:
        return f"{len(self.changed)} changed, {len(self.added)} added, {len(self.removed)} removed"

    def lines(self) -> list[str]:
        """One ``  <status> <path>`` line per file, sorted by path."""
        tagged = [(p, "added") for p in self.added] + [(p, "changed") for p in self.changed]
        tagged += [(p, "removed") for p in self.removed]
        return [f"  {status:<7} {path}" for path, status in sorted(tagged)]


def shas(files: Mapping[str, bytes]) -> dict[str, str]:
    return {path: blob_sha(data) for path, data in files.items()}


# --------------------------------------------------------------------------------------------- lock


class BuildLock:
    """``<git-dir>/gitops-gen.lock`` held with ``flock``: exclusive for a build, shared for ``--check``.

    Non-blocking: when another build holds it, raise GitError naming that build's pid. The file is never
    deleted (deleting a lock file races with the next locker); the holder's pid is written into it.
    """

    def __init__(self, git_dir: Path, *, shared: bool = False) -> None:
        self.path = git_dir / LOCK_NAME
        self.shared = shared
        self._fh: IO[str] | None = None

    def __enter__(self) -> BuildLock:
        try:
            fh = open(self.path, "a+", encoding="utf-8")  # held until __exit__
        except OSError as exc:
            if self.shared:  # a read-only checkout (e.g. --check in CI): nothing to protect from ourselves
                return self
            raise GitError(f"cannot create the build lock {self.path}: {exc.strerror}") from None
        try:
            fcntl.flock(fh, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except OSError as exc:
            fh.seek(0)
            pid = fh.read().strip() or "unknown"
            fh.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise GitError(f"another gitops-gen build is running (pid {pid}); lock {self.path}") from None
            raise GitError(f"cannot lock {self.path}: {exc.strerror}") from None
        if not self.shared:
            fh.seek(0)
            fh.truncate()
            fh.write(f"{os.getpid()}\n")
            fh.flush()
        self._fh = fh
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            fcntl.flock(self._fh, fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None


# -------------------------------------------------------------------------------------- last written


def load_written(git_dir: Path) -> dict[str, str]:
    """``path -> blob id`` of the files the last builds wrote (to tell our own uncommitted output from hand edits)."""
    try:
        data = json.loads((git_dir / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def save_written(git_dir: Path, roots: Iterable[str], written: Mapping[str, str]) -> None:
    """Replace the record for ``roots`` with ``written`` (other roots keep what earlier builds recorded)."""
    roots = list(roots)
    state = {p: s for p, s in load_written(git_dir).items() if not any(is_under(p, r) for r in roots)}
    state.update(written)
    _atomic_write(git_dir / STATE_NAME, json.dumps(dict(sorted(state.items())), indent=1).encode() + b"\n")


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------- swap


class StagedTree:
    """A rendered file set written under ``<repo>/.gitops-gen-tmp-XXXX/new``, ready to swap in.

    Use as a context manager: on exit the staging directory is removed, whether or not it was swapped in.
    """

    def __init__(self, repo_root: Path, files: Mapping[str, bytes], roots: Iterable[str]) -> None:
        self.repo_root = repo_root
        self.roots = normalize_roots(roots, files)
        self.tmp = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=repo_root))
        self.new = self.tmp / "new"
        self.old = self.tmp / "old"
        try:
            for path, data in sorted(files.items()):
                target = self.new / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except BaseException:
            self.discard()
            raise

    def __enter__(self) -> StagedTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    def swap(self) -> None:
        """Replace every root in the repository with its staged version (or remove it if nothing was staged).

        On any error the old roots are put back before the error propagates; if the process dies instead,
        :func:`recover` (run by the next build, under the lock) does the same from the journal.
        """
        journal = {
            root: (self.repo_root / root).exists() or (self.repo_root / root).is_symlink() for root in self.roots
        }
        (self.tmp / _JOURNAL).write_text(json.dumps(journal, sort_keys=True), encoding="utf-8")
        try:
            for root, existed in journal.items():  # phase 1: old roots aside
                if existed:
                    (self.old / root).parent.mkdir(parents=True, exist_ok=True)
                    os.rename(self.repo_root / root, self.old / root)
                    fault_point("swap-aside")
            for root in journal:  # phase 2: new roots in
                staged = self.new / root
                if staged.exists():
                    (self.repo_root / root).parent.mkdir(parents=True, exist_ok=True)
                    os.rename(staged, self.repo_root / root)
            fault_point("swap-moved")
            (self.tmp / _COMMITTED).touch()
        except BaseException:
            _rollback(self.repo_root, self.tmp)
            raise
        for root in journal:  # the old roots' now-empty parents (e.g. an overlays/ with no env left)
            _prune_empty_parents(self.repo_root, root)


def _prune_empty_parents(repo_root: Path, root: str) -> None:
    parent = PurePosixPath(root).parent
    while str(parent) not in ("", "."):
        path = repo_root / parent
        try:
            path.rmdir()
        except OSError:
            return
        parent = parent.parent


def _rollback(repo_root: Path, tmp: Path) -> None:
    """Undo a partial swap recorded in ``tmp``'s journal: every root back to its old content."""
    try:
        journal: dict[str, bool] = json.loads((tmp / _JOURNAL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # the swap never started: the repository was not touched
    for root, existed in sorted(journal.items()):
        current = repo_root / root
        aside = tmp / "old" / root
        if existed and not (aside.exists() or aside.is_symlink()):
            continue  # never moved aside: still the old content
        if current.is_symlink() or current.is_file():
            current.unlink()
        elif current.exists():
            shutil.rmtree(current)
        if existed:
            current.parent.mkdir(parents=True, exist_ok=True)
            os.rename(aside, current)


def recover(repo_root: Path) -> list[str]:
    """Clean up after builds that died: roll back unfinished swaps, delete staging dirs. Call under the lock.

    Returns the staging directories handled (repo-relative), for the build to mention.
    """
    handled: list[str] = []
    for tmp in sorted(repo_root.glob(TMP_PREFIX + "*")):
        if not tmp.is_dir() or tmp.is_symlink():
            continue
        if not (tmp / _COMMITTED).exists():
            _rollback(repo_root, tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        handled.append(tmp.name)
    return handled


@contextlib.contextmanager
def staged(repo_root: Path, files: Mapping[str, bytes], roots: Iterable[str]) -> Iterator[StagedTree]:
    with StagedTree(repo_root, files, roots) as tree:
        yield tree
