"""The only git caller of ``gitops-gen build``: a thin GitPython wrapper (read HEAD and index, commit paths).

Commits are built from objects, not from the index: the new tree is HEAD's tree with the generated paths
replaced, so whatever else the user has staged or modified stays exactly where it was (staged, unstaged,
and out of our commit). Afterwards the index entries of the generated roots are set to the new commit,
so ``git status`` shows them clean. No hooks run and no git config is changed.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from io import BytesIO
from pathlib import Path
from typing import Any

import git
from git.index.base import IndexFile
from git.index.typ import BaseIndexEntry, IndexEntry
from git.objects.commit import Commit
from gitdb.base import IStream  # type: ignore[import-untyped]

from generator.errors import GitError
from generator.gitops.tree import is_under

_FILE_MODE = 0o100644


class GitRepo:
    """A git working tree. ``root`` is its top-level directory, ``git_dir`` its (per-worktree) git directory."""

    def __init__(self, repo: Any) -> None:
        self._repo = repo
        if repo.bare or repo.working_tree_dir is None:
            raise GitError(f"{repo.git_dir} is a bare repository; gitops-gen needs a working tree")
        self.root = Path(repo.working_tree_dir).resolve()
        self.git_dir = Path(repo.git_dir).resolve()

    @classmethod
    def open(cls, path: Path) -> GitRepo:
        """Open the repository containing ``path`` (GitError if there is none)."""
        if not path.is_dir():
            raise GitError(f"{path}: no such directory")
        try:
            repo = git.Repo(path, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise GitError(f"{path}: not a git repository (run 'git init' there, or pass --repo)") from None
        return cls(repo)

    # ------------------------------------------------------------------------------------------ read

    def _head_commit(self) -> Any:
        try:
            return self._repo.head.commit
        except ValueError:  # unborn branch: no commit yet
            return None

    @property
    def head_sha(self) -> str | None:
        commit = self._head_commit()
        return None if commit is None else str(commit.hexsha)

    def head_blobs(self, roots: Iterable[str]) -> dict[str, str]:
        """``path -> blob id`` of the files under ``roots`` in HEAD (empty before the first commit)."""
        commit = self._head_commit()
        if commit is None:
            return {}
        out: dict[str, str] = {}
        for root in roots:
            try:
                obj = commit.tree / root
            except KeyError:
                continue
            if obj.type == "blob":
                out[root] = obj.hexsha
            elif obj.type == "tree":
                for item in obj.traverse():
                    if item.type == "blob":
                        out[item.path] = item.hexsha
        return dict(sorted(out.items()))

    def index_blobs(self, roots: Iterable[str]) -> dict[str, str]:
        """``path -> blob id`` of the index (staging area) entries under ``roots``."""
        roots = list(roots)
        index = self._read_index()
        out = {
            str(path): entry.hexsha
            for (path, _stage), entry in index.entries.items()
            if any(is_under(str(path), r) for r in roots)
        }
        return dict(sorted(out.items()))

    def _read_index(self) -> IndexFile:
        try:
            index = IndexFile(self._repo)
            _ = index.entries
        except Exception as exc:  # GitPython raises plain errors on unreadable/unsupported index files
            raise GitError(f"cannot read the git index {self.git_dir / 'index'}: {exc}") from None
        return index

    # ----------------------------------------------------------------------------------------- write

    def _store(self, data: bytes) -> bytes:
        return bytes(self._repo.odb.store(IStream("blob", len(data), BytesIO(data))).binsha)

    def sync_index(self, roots: Iterable[str], files: Mapping[str, bytes]) -> None:
        """Set the index entries under ``roots`` to exactly ``files`` (e.g. to drop staged hand edits)."""
        entries = {path: BaseIndexEntry((_FILE_MODE, self._store(data), 0, path)) for path, data in files.items()}
        self._sync_index(list(roots), entries)

    def commit_files(
        self, roots: Iterable[str], files: Mapping[str, bytes], message: str, *, expected_head: str | None = None
    ) -> str:
        """Commit exactly ``files`` as the content of ``roots`` (everything else as in HEAD); return the sha.

        ``files`` are the complete new contents of the roots (as written to the working tree); paths under
        the roots that are missing from ``files`` are deleted in the commit. Nothing outside the roots changes.
        ``expected_head``: the HEAD the build started from (a different HEAD is a GitError, never overwritten).
        """
        roots = list(roots)
        head = self._head_commit()
        if expected_head is not None and (None if head is None else head.hexsha) != expected_head:
            raise GitError("HEAD moved while gitops-gen was building (another commit?); files written, not committed")
        new_entries: dict[str, BaseIndexEntry] = {
            path: BaseIndexEntry((_FILE_MODE, self._store(data), 0, path)) for path, data in files.items()
        }
        with tempfile.TemporaryDirectory(prefix="gitops-gen-index-") as tmp:
            tree_index = IndexFile(self._repo, os.path.join(tmp, "index"))
            entries: dict[tuple[str | os.PathLike[str], int], IndexEntry] = {}
            if head is not None:
                for item in head.tree.traverse():
                    # keep blobs outside the roots, and submodules (gitlinks) wherever they are
                    keep = item.type == "commit" or not any(is_under(item.path, r) for r in roots)
                    if item.type in ("blob", "commit") and keep:
                        entries[(item.path, 0)] = IndexEntry.from_base(
                            BaseIndexEntry((item.mode, item.binsha, 0, item.path))
                        )
            for path, base in new_entries.items():
                entries[(path, 0)] = IndexEntry.from_base(base)
            tree_index.entries = entries
            try:
                tree = tree_index.write_tree()
            except ValueError:  # no entries at all: an empty tree
                tree = self._repo.tree(self._store_empty_tree())
        parents = [] if head is None else [head]
        try:
            commit = Commit.create_from_tree(self._repo, tree, message, parent_commits=parents, head=True)
        except Exception as exc:
            raise GitError(f"git commit failed: {exc}") from None
        self._sync_index(roots, new_entries)
        return str(commit.hexsha)

    def _store_empty_tree(self) -> str:
        return str(self._repo.odb.store(IStream("tree", 0, BytesIO(b""))).hexsha.decode())

    def _sync_index(self, roots: list[str], new_entries: Mapping[str, BaseIndexEntry]) -> None:
        """Make the index entries under ``roots`` equal the new commit, keeping every other entry as it was."""
        index = self._read_index()
        kept = {key: e for key, e in index.entries.items() if not any(is_under(str(key[0]), r) for r in roots)}
        for path, base in new_entries.items():
            kept[(path, 0)] = _entry_with_stat(self.root / path, base)
        index.entries = kept
        try:
            index.write()
        except Exception as exc:
            raise GitError(f"committed, but could not update the git index: {exc}") from None


def _entry_with_stat(path: Path, base: BaseIndexEntry) -> IndexEntry:
    """An index entry carrying the file's stat data, so ``git status`` need not re-hash it."""
    from struct import pack

    try:
        st = os.lstat(path)
    except OSError:
        return IndexEntry.from_base(base)
    ctime = pack(">LL", int(st.st_ctime) & 0xFFFFFFFF, st.st_ctime_ns % 1_000_000_000)
    mtime = pack(">LL", int(st.st_mtime) & 0xFFFFFFFF, st.st_mtime_ns % 1_000_000_000)
    return IndexEntry(
        (
            base.mode,
            base.binsha,
            base.flags,
            base.path,
            ctime,
            mtime,
            st.st_dev & 0xFFFFFFFF,
            st.st_ino & 0xFFFFFFFF,
            st.st_uid & 0xFFFFFFFF,
            st.st_gid & 0xFFFFFFFF,
            st.st_size & 0xFFFFFFFF,
        )
    )
