"""The only git caller of ``gitops-gen build``: the real ``git`` binary for every write, never a hand-written index.

Why not GitPython for writes: its ``IndexFile.write`` copies the old index's extensions verbatim, including the
cache-tree (``TREE`` extension, git's Documentation/gitformat-index.txt), which records the tree id of every
directory as it was. After we replaced the entries under ``overlays/prod`` the cache-tree still claimed the
*old* tree id for ``overlays/prod``; git trusts a valid cache-tree entry instead of re-hashing the directory,
so the user's next ``git commit`` (write-tree, cache-tree.c ``update_one``) wrote the old subtree back and
``git status`` / ``git diff --cached`` (unpack-trees.c skips subtrees whose cache-tree id equals the tree it
walks) showed nothing: a silent revert. ``git update-index`` invalidates the cache-tree of every path it
touches (read-cache.c ``add_index_entry`` -> ``cache_tree_invalidate_path``), so we let git do it.

How a commit is made, so that the user's staged and unstaged work stays exactly where it was:

1. the new blobs are written with ``git hash-object -w`` from a scratch directory inside the git dir;
2. a scratch index (``GIT_INDEX_FILE``) is read from HEAD, the entries under the generated roots are
   replaced (``git update-index --index-info``), and ``git write-tree`` / ``git commit-tree`` make the commit;
3. a journal (``<git-dir>/gitops-gen-commit.json``) records old HEAD, new commit and the new entries;
4. ``git update-ref HEAD <new> <old>`` moves HEAD (compare-and-swap: a HEAD that moved is never overwritten);
5. the real index is updated under ``index.lock``: we take the lock ourselves by hard-linking a file that
   names us (``gitops-gen index lock pid=N``) to ``index.lock`` (atomic, fails if any git holds it), let git
   rewrite a *copy* of the index, rename the copy over ``index`` and drop the lock; then the journal goes.

A build killed anywhere leaves either no journal (nothing committed) or a journal from which
:meth:`GitRepo.recover` finishes step 5; an ``index.lock`` is removed only when it names a dead gitops-gen
process (provably ours). No hooks run and no git config is changed.

Paths: a ``GitRepo`` may be a *project* inside a larger repository (``--repo platform`` of a monorepo):
``root`` is that folder, ``top`` the git top level, and every path this API takes or returns is relative
to ``root``; git sees them with the ``prefix`` in front.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from generator.errors import GitError
from generator.gitops.tree import blob_sha, fault_point

_FILE_MODE = "100644"
_GITLINK_MODE = "160000"
_ZERO = "0" * 40
JOURNAL_NAME = "gitops-gen-commit.json"
_LOCK_MARK = b"gitops-gen index lock pid="
_SCRATCH_PREFIX = "gitops-gen-scratch-"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class GitRepo:
    """A git working tree (``top``), and the project folder in it that holds ``environments/`` (``root``)."""

    def __init__(self, top: Path, git_dir: Path, root: Path | None = None) -> None:
        self.top = top
        self.git_dir = git_dir
        self.root = root or top
        rel = self.root.relative_to(top).as_posix()
        self.prefix = "" if rel == "." else rel + "/"

    @classmethod
    def open(cls, path: Path, *, project: bool = False) -> GitRepo:
        """Open the repository containing ``path`` (GitError if there is none).

        ``project``: ``path`` itself is the project folder (a subfolder of the repository is allowed);
        otherwise the project is the git top level.
        """
        if not path.is_dir():
            raise GitError(f"{path}: no such directory")
        proc = subprocess.run(
            ["git", "rev-parse", "--is-bare-repository", "--show-toplevel", "--absolute-git-dir"],
            cwd=path,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            if "not a git repository" in proc.stderr:
                raise GitError(f"{path}: not a git repository (run 'git init' there, or pass --repo)")
            raise GitError(f"{path}: git rev-parse failed: {_git_message(proc.stderr)}")
        lines = proc.stdout.splitlines()
        if (lines and lines[0] == "true") or len(lines) < 3:
            raise GitError(f"{path} is a bare repository; gitops-gen needs a working tree")
        top, git_dir = Path(lines[1]).resolve(), Path(lines[2]).resolve()
        return cls(top, git_dir, path.resolve() if project else None)

    @staticmethod
    def init_if_needed(path: Path) -> bool:
        """``git init`` in ``path`` unless it is already inside a git work tree; True when a repo was created."""
        inside = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree"], cwd=path, capture_output=True, text=True, check=False
        )
        if inside.returncode == 0 and inside.stdout.strip() == "true":
            return False
        made = subprocess.run(["git", "init", "-q", str(path)], capture_output=True, text=True, check=False)
        if made.returncode != 0:
            raise GitError(f"{path}: git init failed: {_git_message(made.stderr)}")
        return True

    # ---------------------------------------------------------------------------------------- plumbing

    def _git(
        self,
        *args: str,
        index: Path | None = None,
        stdin: bytes | None = None,
        check: bool = True,
    ) -> bytes:
        env = {**os.environ, "GIT_LITERAL_PATHSPECS": "1", "GIT_OPTIONAL_LOCKS": "0"}
        env.pop("GIT_INDEX_FILE", None)
        if index is not None:
            env["GIT_INDEX_FILE"] = str(index)
        proc = subprocess.run(
            ["git", "-c", "core.hooksPath=/dev/null", *args],
            cwd=self.top,
            env=env,
            input=stdin,
            capture_output=True,
            check=False,
        )
        if check and proc.returncode != 0:
            raise GitError(f"git {args[0]} failed: {_git_message(proc.stderr.decode('utf-8', 'replace'))}")
        return proc.stdout

    def _full(self, path: str) -> str:
        return self.prefix + path

    def _roots_spec(self, roots: Iterable[str]) -> list[str]:
        return [self._full(r) for r in roots]

    # ------------------------------------------------------------------------------------------ read

    @property
    def head_sha(self) -> str | None:
        out = self._git("rev-parse", "-q", "--verify", "HEAD^{commit}", check=False).decode().strip()
        return out or None

    def _tree_entries(self, rev: str, roots: Sequence[str]) -> dict[str, tuple[str, str]]:
        """``path -> (mode, id)`` of ``rev`` under ``roots`` (project-relative)."""
        if not roots:
            return {}
        out = self._git("ls-tree", "-r", "-z", "--full-tree", rev, "--", *self._roots_spec(roots))
        entries: dict[str, tuple[str, str]] = {}
        for rec in out.split(b"\0"):
            if not rec:
                continue
            meta, path = rec.decode("utf-8", "surrogateescape").split("\t", 1)
            mode, _type, sha = meta.split()
            entries[path[len(self.prefix) :]] = (mode, sha)
        return entries

    def head_blobs(self, roots: Iterable[str]) -> dict[str, str]:
        """``path -> blob id`` of the files under ``roots`` in HEAD (empty before the first commit)."""
        head = self.head_sha
        if head is None:
            return {}
        entries = self._tree_entries(head, list(roots))
        return dict(sorted((p, sha) for p, (mode, sha) in entries.items() if mode != _GITLINK_MODE))

    def _index_entries(self, roots: Sequence[str], index: Path | None = None) -> dict[str, tuple[str, str]]:
        if not roots:
            return {}
        out = self._git("ls-files", "-s", "-z", "--full-name", "--", *self._roots_spec(roots), index=index)
        entries: dict[str, tuple[str, str]] = {}
        for rec in out.split(b"\0"):
            if not rec:
                continue
            meta, path = rec.decode("utf-8", "surrogateescape").split("\t", 1)
            mode, sha, _stage = meta.split()
            entries[path[len(self.prefix) :]] = (mode, sha)
        return entries

    def index_blobs(self, roots: Iterable[str]) -> dict[str, str]:
        """``path -> blob id`` of the index (staging area) entries under ``roots``."""
        entries = self._index_entries(list(roots))
        return dict(sorted((p, sha) for p, (mode, sha) in entries.items() if mode != _GITLINK_MODE))

    # --------------------------------------------------------------------------------------- index lock

    def index_lock_state(self) -> str | None:
        """None when ``index.lock`` is absent; ``"ours"`` when it names a dead gitops-gen build; else ``"foreign"``."""
        lock = self.git_dir / "index.lock"
        try:
            with open(lock, "rb") as fh:
                head = fh.read(64)
        except FileNotFoundError:
            return None
        except OSError:
            return "foreign"
        if head.startswith(_LOCK_MARK):
            try:
                pid = int(head[len(_LOCK_MARK) :].split(b"\n", 1)[0])
            except ValueError:
                return "foreign"
            if pid != os.getpid() and not _pid_alive(pid):
                return "ours"
        return "foreign"

    def ensure_index_unlocked(self) -> list[str]:
        """Remove a stale ``index.lock`` of a killed gitops-gen build; GitError when another git holds it.

        Call under the build lock, before anything is written. Returns what was cleaned up.
        """
        cleaned = []
        state = self.index_lock_state()
        if state == "ours":
            (self.git_dir / "index.lock").unlink()
            cleaned.append(f"{self.git_dir.name}/index.lock (left by a killed gitops-gen build)")
        elif state == "foreign":
            raise GitError(
                f"the git index is locked: {self.git_dir / 'index.lock'} exists (another git command is running, "
                "or one crashed; if no git process is running, delete that file); nothing written"
            )
        for stale in sorted(self.git_dir.glob(_SCRATCH_PREFIX + "*")):
            shutil.rmtree(stale, ignore_errors=True) if stale.is_dir() else stale.unlink(missing_ok=True)
        return cleaned

    def _locked_index_update(self, roots: Sequence[str], entries: Mapping[str, str]) -> None:
        """Set the real index's entries under ``roots`` to ``entries`` (``path -> blob id``), everything else kept."""
        lock = self.git_dir / "index.lock"
        mark = self.git_dir / f"{_SCRATCH_PREFIX}lock-{os.getpid()}"
        mark.write_bytes(_LOCK_MARK + str(os.getpid()).encode() + b"\n")
        try:
            os.link(mark, lock)  # atomic, like git's O_EXCL: fails when any git process holds the index
        except FileExistsError:
            mark.unlink(missing_ok=True)
            raise GitError(
                f"could not update the git index: {lock} exists (another git command is running); "
                "run 'gitops-gen build' again to finish"
            ) from None
        fault_point("index-locked")
        try:
            scratch = self.git_dir / f"{_SCRATCH_PREFIX}index-{os.getpid()}"
            real = self.git_dir / "index"
            if real.exists():
                # copy2 keeps the index's mtime: git's racy-clean check compares each entry's mtime with it
                # (Documentation/technical/racy-git.txt); a fresh mtime would let a same-second edit look clean
                shutil.copy2(real, scratch)
            else:
                scratch.unlink(missing_ok=True)
            self._replace_entries(scratch, roots, entries)
            # stat data for the files we just wrote, so `git status` need not re-hash them (exit 1 = some
            # other file is modified: fine)
            self._git("update-index", "-q", "--refresh", index=scratch, check=False)
            with open(scratch, "rb") as fh:
                os.fsync(fh.fileno())
            fault_point("index-written")
            os.replace(scratch, real)  # atomic for readers; writers are excluded by our index.lock
            fault_point("index-renamed")
        finally:
            lock.unlink(missing_ok=True)
            mark.unlink(missing_ok=True)
            for left in self.git_dir.glob(f"{_SCRATCH_PREFIX}index-{os.getpid()}*"):
                left.unlink(missing_ok=True)

    def _replace_entries(self, index: Path, roots: Sequence[str], entries: Mapping[str, str]) -> None:
        """In the index file ``index``: drop every entry under ``roots`` (gitlinks kept), add ``entries``."""
        current = self._index_entries(roots, index=index)
        lines = [f"0 {_ZERO}\t{self._full(p)}" for p, (mode, _s) in current.items() if mode != _GITLINK_MODE]
        lines += [f"{_FILE_MODE} {sha}\t{self._full(p)}" for p, sha in sorted(entries.items())]
        if lines:
            self._git("update-index", "-z", "--index-info", index=index, stdin="\0".join(lines).encode() + b"\0")

    # ----------------------------------------------------------------------------------------- write

    def _write_blobs(self, files: Mapping[str, bytes]) -> dict[str, str]:
        """Store ``files`` as blobs (``git hash-object -w``); ``path -> blob id``."""
        if not files:
            return {}
        with tempfile.TemporaryDirectory(prefix=_SCRATCH_PREFIX + "blobs-", dir=self.git_dir) as tmp:
            names = []
            for i, data in enumerate(files.values()):
                name = os.path.join(tmp, str(i))
                with open(name, "wb") as fh:
                    fh.write(data)
                names.append(name)
            out = self._git(
                "hash-object", "-w", "--no-filters", "--stdin-paths", stdin="\n".join(names).encode() + b"\n"
            )
        ids = out.decode().split()
        result = dict(zip(files, ids, strict=True))
        for path, data in files.items():  # git and we must agree, or hand-edit detection would lie
            if result[path] != blob_sha(data):
                raise GitError(f"git stored {path} as {result[path]}, expected {blob_sha(data)}")
        return result

    def sync_index(self, roots: Iterable[str], files: Mapping[str, bytes]) -> None:
        """Set the index entries under ``roots`` to exactly ``files`` (e.g. to drop staged hand edits)."""
        self._locked_index_update(list(roots), self._write_blobs(files))

    def check_no_operation_in_progress(self) -> None:
        """Raise GitError while a merge, cherry-pick or revert waits to be committed. git refuses a commit of
        some paths then ("cannot do a partial commit during a merge.": git builtin/commit.c,
        ``prepare_index``, with ``determine_whence`` reading ``MERGE_HEAD`` and ``CHERRY_PICK_HEAD``), and a
        build commits only the generated paths: its commit would land in the middle of the user's merge."""
        for name, what, finish in (
            ("MERGE_HEAD", "a merge", "git merge --abort"),
            ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --abort"),
            ("REVERT_HEAD", "a revert", "git revert --abort"),
        ):
            if (self.git_dir / name).exists():
                raise GitError(
                    f"{what} is in progress ({name}), and git commits no single paths during one: finish it with "
                    f"git commit or undo it with {finish}, then build again (or pass --no-commit); nothing was "
                    "written"
                )

    def check_identity(self) -> None:
        """Raise GitError unless git can name the author and the committer of a commit, as ``git commit``
        needs them (``git var GIT_AUTHOR_IDENT`` / ``GIT_COMMITTER_IDENT`` fail as ``commit-tree`` would:
        git ``ident.c``, ``fmt_ident`` with ``IDENT_STRICT``). Checked before a build writes anything, so a
        machine without ``user.email`` gets its error before the work tree changes, not after."""
        for variable in ("GIT_AUTHOR_IDENT", "GIT_COMMITTER_IDENT"):
            try:
                self._git("var", variable)
            except GitError as exc:
                raise GitError(
                    f"git cannot name the {variable.split('_')[1].lower()} of a commit ({exc}): set it with "
                    '`git config user.name "Your Name"` and `git config user.email you@example.com`, or '
                    "pass --no-commit; nothing was written"
                ) from None

    def commit_files(
        self, roots: Iterable[str], files: Mapping[str, bytes], message: str, *, expected_head: str | None = None
    ) -> str:
        """Commit exactly ``files`` as the content of ``roots`` (everything else as in HEAD); return the sha.

        ``files`` are the complete new contents of the roots (as written to the working tree); paths under
        the roots that are missing from ``files`` are deleted in the commit. Nothing outside the roots changes.
        ``expected_head``: the HEAD the build started from (a different HEAD is a GitError, never overwritten).
        """
        roots = list(roots)
        head = self.head_sha
        if head != expected_head:
            raise GitError("HEAD moved while gitops-gen was building (another commit?); files written, not committed")
        blobs = self._write_blobs(files)
        with tempfile.TemporaryDirectory(prefix=_SCRATCH_PREFIX + "tree-", dir=self.git_dir) as tmp:
            index = Path(tmp, "index")
            if head is None:
                self._git("read-tree", "--empty", index=index)
            else:
                self._git("read-tree", head, index=index)
            self._replace_entries(index, roots, blobs)
            tree = self._git("write-tree", index=index).decode().strip()
        parents = [] if head is None else ["-p", head]
        commit = self._git("commit-tree", tree, *parents, "-F", "-", stdin=message.encode()).decode().strip()
        journal = {"old": head, "new": commit, "roots": roots, "entries": blobs}
        _atomic_write(self.git_dir / JOURNAL_NAME, json.dumps(journal, sort_keys=True).encode())
        fault_point("before-ref")
        subject = message.splitlines()[0] if message else "gitops-gen build"
        self._git("update-ref", "-m", subject, "HEAD", commit, head or _ZERO, check=False)
        if self.head_sha != commit:
            (self.git_dir / JOURNAL_NAME).unlink(missing_ok=True)
            raise GitError("HEAD moved while gitops-gen was building (another commit?); files written, not committed")
        fault_point("after-ref")
        try:
            self._locked_index_update(roots, blobs)
        except GitError as exc:
            raise GitError(f"committed {commit[:12]}, but the git index was not updated ({exc})") from None
        (self.git_dir / JOURNAL_NAME).unlink(missing_ok=True)
        return commit

    def recover(self) -> list[str]:
        """Finish or forget the commit of a build that was killed (call under the build lock).

        HEAD at the journal's new commit: the commit happened, the index update may not have; the entries
        under the roots are set to the commit's, but only while they still hold what that build found (the old
        commit's entries or already the new ones), so nothing staged since is lost. HEAD elsewhere: nothing
        was committed by that build (or somebody moved on); the journal is dropped.
        """
        path = self.git_dir / JOURNAL_NAME
        try:
            journal = json.loads(path.read_text(encoding="utf-8"))
            old, new = journal["old"], str(journal["new"])
            roots = [str(r) for r in journal["roots"]]
            entries = {str(k): str(v) for k, v in journal["entries"].items()}
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            path.unlink(missing_ok=True)
            return ["an unreadable commit journal (dropped)"]
        done: list[str] = []
        if self.head_sha == new:
            index = self.index_blobs(roots)
            before = {} if old is None else self.head_blobs_at(str(old), roots)
            if index in (before, entries):
                if index != entries:
                    self._locked_index_update(roots, entries)
                done.append(f"finished the interrupted commit {new[:12]}: git index updated")
            else:
                done.append(f"commit {new[:12]} of an interrupted build: index entries changed since, left as they are")
        else:
            done.append("an interrupted build had not committed; nothing to undo")
        path.unlink(missing_ok=True)
        return done

    def head_blobs_at(self, rev: str, roots: Iterable[str]) -> dict[str, str]:
        entries = self._tree_entries(rev, list(roots))
        return dict(sorted((p, sha) for p, (mode, sha) in entries.items() if mode != _GITLINK_MODE))


def _git_message(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:200] if lines else "no message"


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=_SCRATCH_PREFIX, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
