"""`gitops-gen build` against real git repositories, with a fake renderer (the real one: test_build_real.py)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from generator.commands import build
from generator.config.model import Environment
from generator.errors import GitError, InputError, RenderError, ValidationFailed
from generator.render import Rendered

from .conftest import FakeRender, RecordingValidator, git, snapshot


def _run(repo: Path, render: FakeRender, validator: RecordingValidator, *names: str, **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    code = build.run(list(names), out=out, repo=repo, render=render, validator=validator, **kw)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_build_writes_and_commits_only_generated_paths(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    (repo / "notes.txt").write_text("staged, unrelated\n")
    git(repo, "add", "notes.txt")
    (repo / "README.md").write_text("# platform\ndirty, unrelated\n")
    before = git(repo, "rev-parse", "HEAD").strip()

    code, out = _run(repo, fake_render, validator, "dev")

    assert code == 0, out
    assert (repo / "overlays/dev/patch.yaml").read_text() == "env: dev\nversion: 1\n"
    assert not (repo / "overlays/prod").exists()
    # exactly one new commit on top of the old HEAD, touching only the generated paths
    assert git(repo, "rev-parse", "HEAD~1").strip() == before
    names = git(repo, "show", "--name-status", "--format=", "HEAD").split("\n")
    assert sorted(n for n in names if n) == [
        "A\tbase/app.yaml",
        "A\tbase/kustomization.yaml",
        "A\toverlays/dev/kustomization.yaml",
        "A\toverlays/dev/patch.yaml",
    ]
    subject = git(repo, "log", "-1", "--format=%s").strip()
    assert subject == "gitops-gen: build dev (0 changed, 4 added, 0 removed)"
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert f"committed {sha[:12]} {subject}" in out
    # the unrelated staged file is still staged (not committed), the dirty file still dirty, generated clean
    status = git(repo, "status", "--porcelain")
    assert status.splitlines() == [" M README.md", "A  notes.txt"]
    assert git(repo, "show", "HEAD:README.md") == "# platform\n"


def test_second_identical_build_makes_no_commit(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    assert _run(repo, fake_render, validator, "dev", "prod")[0] == 0
    head = git(repo, "rev-parse", "HEAD").strip()
    files = snapshot(repo)

    code, out = _run(repo, fake_render, validator, "dev", "prod")

    assert code == 0
    assert "nothing changed since the last commit; no commit" in out
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert snapshot(repo) == files
    assert git(repo, "status", "--porcelain") == ""


def test_changes_are_counted_and_stale_files_removed_only_in_owned_roots(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    fake_render.extra = {"base/old.yaml": "old\n", "overlays/dev/extra.yaml": "x\n"}
    assert _run(repo, fake_render, validator, "dev", "prod")[0] == 0
    (repo / "overlays/README.md").write_text("hand-written, outside every root\n")
    git(repo, "add", "overlays/README.md")
    git(repo, "commit", "-q", "-m", "docs")

    fake_render.extra = {}
    fake_render.version = "2"
    code, out = _run(repo, fake_render, validator, "dev")

    assert code == 0, out
    # base/app.yaml and overlays/dev/patch.yaml changed, base/old.yaml and overlays/dev/extra.yaml removed
    assert "gitops-gen: build dev (2 changed, 0 added, 2 removed)" in out
    assert not (repo / "base/old.yaml").exists()
    assert not (repo / "overlays/dev/extra.yaml").exists()
    # prod's overlay belongs to prod's build: untouched (still version 1), and so is the hand-written file
    assert (repo / "overlays/prod/patch.yaml").read_text() == "env: prod\nversion: 1\n"
    assert (repo / "overlays/README.md").exists()
    assert git(repo, "status", "--porcelain") == ""
    removed = git(repo, "show", "--name-status", "--format=", "HEAD")
    assert "D\tbase/old.yaml" in removed and "D\toverlays/dev/extra.yaml" in removed


def test_hand_edit_is_refused_then_forced(repo: Path, fake_render: FakeRender, validator: RecordingValidator) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    (repo / "base/app.yaml").write_text("hand edit\n")
    (repo / "overlays/dev/mine.yaml").write_text("an untracked hand-made file\n")
    head = git(repo, "rev-parse", "HEAD").strip()
    fake_render.version = "2"

    with pytest.raises(GitError, match=r"uncommitted hand edits: base/app.yaml, overlays/dev/mine.yaml") as err:
        _run(repo, fake_render, validator, "dev")
    assert err.value.exit_code == 2
    assert (repo / "base/app.yaml").read_text() == "hand edit\n"
    assert git(repo, "rev-parse", "HEAD").strip() == head

    code, out = _run(repo, fake_render, validator, "dev", force=True)
    assert code == 0
    assert "--force: overwriting hand edits in base/app.yaml, overlays/dev/mine.yaml" in out
    assert (repo / "base/app.yaml").read_text().endswith("version: 2\n")
    assert not (repo / "overlays/dev/mine.yaml").exists()
    assert git(repo, "status", "--porcelain") == ""


def test_staged_hand_edit_is_refused(repo: Path, fake_render: FakeRender, validator: RecordingValidator) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    original = (repo / "base/app.yaml").read_text()
    (repo / "base/app.yaml").write_text("staged hand edit\n")
    git(repo, "add", "base/app.yaml")
    (repo / "base/app.yaml").write_text(original)  # only the index differs from HEAD now
    with pytest.raises(GitError, match=r"hand edits: base/app\.yaml \("):
        _run(repo, fake_render, validator, "dev")


def test_no_commit_then_build_is_not_a_hand_edit(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    head = git(repo, "rev-parse", "HEAD").strip()
    code, out = _run(repo, fake_render, validator, "dev", commit=False)
    assert code == 0 and "not committed (--no-commit)" in out
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert "?? base/" in git(repo, "status", "--porcelain")

    fake_render.version = "2"  # our own uncommitted output is replaced without --force
    code, out = _run(repo, fake_render, validator, "dev")
    assert code == 0, out
    assert "gitops-gen: build dev (0 changed, 4 added, 0 removed)" in out
    assert git(repo, "status", "--porcelain") == ""


def test_check_reports_drift_and_writes_nothing(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    code, out = _run(repo, fake_render, validator, "dev", check=True)
    assert code == 0 and out.startswith("in sync: 4 generated file(s) for dev match")
    validator.seen.clear()

    (repo / "overlays/dev/patch.yaml").write_text("hand edit\n")
    (repo / "base/kustomization.yaml").unlink()
    (repo / "base/stray.yaml").write_text("stray\n")
    files, head = snapshot(repo), git(repo, "rev-parse", "HEAD").strip()

    code, out = _run(repo, fake_render, validator, "dev", check=True)

    assert code == 1
    assert out.splitlines()[1:4] == [
        "  added   base/kustomization.yaml",
        "  removed base/stray.yaml",
        "  changed overlays/dev/patch.yaml",
    ]
    assert snapshot(repo) == files
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert validator.seen == []  # --check renders and compares; it neither stages nor validates


def test_check_detects_env_change_not_yet_built(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    fake_render.version = "2"
    code, out = _run(repo, fake_render, validator, "dev", check=True)
    assert code == 1
    assert "  changed base/app.yaml" in out and "  changed overlays/dev/patch.yaml" in out


def test_validation_errors_leave_the_repository_unchanged(repo: Path, fake_render: FakeRender) -> None:
    files, head = snapshot(repo), git(repo, "rev-parse", "HEAD").strip()
    failing = RecordingValidator(errors=["overlays/dev/x.yaml:3 [latest-tag] Deployment mlflow: image uses :latest"])
    out = io.StringIO()
    with pytest.raises(ValidationFailed, match="validation failed for overlays/dev") as err:
        build.run(["dev"], out=out, repo=repo, render=fake_render, validator=failing)
    assert err.value.exit_code == 1
    assert "[latest-tag] Deployment mlflow" in out.getvalue()
    assert snapshot(repo) == files
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert not list(repo.glob(".gitops-gen-tmp-*"))


def test_validator_sees_the_staged_tree_before_the_swap(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    code, out = _run(repo, fake_render, validator, "prod", "dev")
    assert code == 0
    assert [p.name for p in validator.seen] == ["prod", "dev"]
    assert all(p.parent.parent.parent.name.startswith(".gitops-gen-tmp-") for p in validator.seen)
    assert validator.files_seen[0]["patch.yaml"] == b"env: prod\nversion: 1\n"
    assert "validated overlays/prod: 0 errors, 0 warning(s)" in out


def test_failing_render_writes_nothing(repo: Path, fake_render: FakeRender, validator: RecordingValidator) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    files, head = snapshot(repo), git(repo, "rev-parse", "HEAD").strip()
    fake_render.fail = RenderError("boom halfway")
    with pytest.raises(RenderError, match="boom halfway"):
        _run(repo, fake_render, validator, "dev")
    assert snapshot(repo) == files
    assert git(repo, "rev-parse", "HEAD").strip() == head


@pytest.mark.parametrize("bad", ["../outside.yaml", ".git/config", "environments/dev.yaml", "/etc/x"])
def test_renderer_cannot_write_outside_generated_paths(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator, bad: str
) -> None:
    files = snapshot(repo)
    fake_render.extra = {bad: "evil\n"}
    with pytest.raises(InputError, match="not a safe generated path"):
        _run(repo, fake_render, validator, "dev")
    assert snapshot(repo) == files


def test_build_into_a_repository_without_commits(tmp_path: Path, fake_render: FakeRender) -> None:
    repo = tmp_path / "fresh"
    (repo / "environments").mkdir(parents=True)
    (repo / "environments/dev.yaml").write_text((Path(__file__).parents[2] / "environments/dev.yaml").read_text())
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    code, out = _run(repo, fake_render, RecordingValidator(), "dev")
    assert code == 0, out
    assert git(repo, "log", "--format=%s").strip() == "gitops-gen: build dev (0 changed, 5 added, 0 removed)"
    # the env file is committed together with its tree (issue 8): a fresh clone can rebuild and check it
    assert "environments/dev.yaml" in git(repo, "ls-tree", "-r", "--name-only", "HEAD").split()
    assert git(repo, "status", "--porcelain") == ""


def test_no_commit_env_leaves_the_env_file_out(tmp_path: Path, fake_render: FakeRender) -> None:
    repo = tmp_path / "fresh"
    (repo / "environments").mkdir(parents=True)
    (repo / "environments/dev.yaml").write_text((Path(__file__).parents[2] / "environments/dev.yaml").read_text())
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.com")
    code, out = _run(repo, fake_render, RecordingValidator(), "dev", commit_env=False)
    assert code == 0, out
    assert "not committed (--no-commit-env): environments/dev.yaml" in out
    assert git(repo, "log", "--format=%s").strip() == "gitops-gen: build dev (0 changed, 4 added, 0 removed)"
    assert git(repo, "status", "--porcelain").splitlines() == ["?? environments/"]


def test_unknown_environment_lists_the_available_ones(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    with pytest.raises(InputError, match=r"unknown environment 'qa' \(available: dev, prod, staging\)"):
        _run(repo, fake_render, validator, "qa")
    assert fake_render.calls == 0


def test_all_builds_every_environment_file(repo: Path, fake_render: FakeRender, validator: RecordingValidator) -> None:
    code, out = _run(repo, fake_render, validator, all_envs=True)
    assert code == 0
    assert sorted(p.name for p in (repo / "overlays").iterdir()) == ["dev", "prod", "staging"]
    assert re.search(r"gitops-gen: build dev, prod, staging \(0 changed, 8 added, 0 removed\)", out)


def test_all_removes_overlays_of_deleted_environments_but_not_hand_made_dirs(
    repo: Path, validator: RecordingValidator
) -> None:
    class HeaderRender(FakeRender):
        """Like FakeRender, but per-env files carry the generated-from header real renderers write."""

        def __call__(self, envs: Sequence[Environment]) -> Rendered:
            result = super().__call__(envs)
            files = {
                p: (f"# Generated by gitops-gen from environments/{p.split('/')[1]}.yaml.\n" + t)
                if p.startswith("overlays/")
                else t
                for p, t in result.files.items()
            }
            return Rendered(files=files, roots=result.roots)

    render = HeaderRender()
    assert _run(repo, render, validator, all_envs=True)[0] == 0
    (repo / "overlays/custom").mkdir()
    (repo / "overlays/custom/kustomization.yaml").write_text("resources: [../../base]\n")  # hand-made, kept
    git(repo, "add", "overlays/custom")
    git(repo, "commit", "-q", "-m", "a hand-made overlay")
    git(repo, "rm", "-q", "environments/staging.yaml")
    git(repo, "commit", "-q", "-m", "drop staging")

    code, out = _run(repo, render, validator, all_envs=True, check=True)
    assert code == 1
    assert "  removed overlays/staging/kustomization.yaml" in out
    assert "overlays/custom" not in out

    code, out = _run(repo, render, validator, "dev")  # naming environments never prunes others
    assert code == 0 and (repo / "overlays/staging").is_dir()

    code, out = _run(repo, render, validator, all_envs=True)
    assert code == 0, out
    assert "removed overlays/staging: their environments/*.yaml is gone" in out
    assert "gitops-gen: build dev, prod (0 changed, 0 added, 2 removed)" in out
    assert not (repo / "overlays/staging").exists()
    assert (repo / "overlays/custom/kustomization.yaml").is_file()
    assert git(repo, "status", "--porcelain") == ""


def test_force_over_a_staged_hand_edit_leaves_index_and_tree_clean(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    head = git(repo, "rev-parse", "HEAD").strip()
    (repo / "overlays/dev/patch.yaml").write_text("staged hand edit\n")
    git(repo, "add", "overlays/dev/patch.yaml")
    (repo / "base/new.yaml").write_text("staged hand-made file\n")
    git(repo, "add", "base/new.yaml")

    code, out = _run(repo, fake_render, validator, "dev", force=True)

    assert code == 0, out
    assert "nothing changed since the last commit; no commit" in out
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert git(repo, "status", "--porcelain") == ""


def test_a_commit_made_during_the_build_is_never_overwritten(repo: Path, fake_render: FakeRender) -> None:
    def committing_validator(overlay: Path, env: Environment) -> build.OverlayResult:
        (repo / "other.txt").write_text("someone else's work\n")
        git(repo, "add", "other.txt")
        git(repo, "commit", "-q", "-m", "concurrent commit")
        return build.OverlayResult(errors=[])

    with pytest.raises(GitError, match="HEAD moved while gitops-gen was building"):
        build.run(["dev"], out=io.StringIO(), repo=repo, render=fake_render, validator=committing_validator)
    assert git(repo, "log", "-1", "--format=%s").strip() == "concurrent commit"
    assert (repo / "overlays/dev/patch.yaml").is_file()  # written, left for the next build to commit
    code, out = _run(repo, fake_render, RecordingValidator(), "dev")
    assert code == 0 and "gitops-gen: build dev (0 changed, 4 added, 0 removed)" in out


def test_failure_while_writing_the_staged_tree_leaves_the_repository_unchanged(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(repo, fake_render, validator, "dev")[0] == 0
    files, head = snapshot(repo), git(repo, "rev-parse", "HEAD").strip()
    fake_render.version = "2"
    real_write = Path.write_bytes
    written: list[Path] = []

    def disk_full_after_two(self: Path, data: bytes) -> int:
        if len(written) == 2:
            raise OSError(28, "No space left on device")
        written.append(self)
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", disk_full_after_two)
    with pytest.raises(OSError, match="No space left"):
        _run(repo, fake_render, validator, "dev")
    monkeypatch.undo()
    assert len(written) == 2 and all(".gitops-gen-tmp-" in str(p) for p in written)  # it failed midway
    assert snapshot(repo) == files
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert len(validator.seen) == 1  # only the first build got as far as validation
