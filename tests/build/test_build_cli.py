"""`gitops-gen build` through the typer app (exit codes, messages), with a fake renderer patched in."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import build

from .conftest import FakeRender, RecordingValidator, git, snapshot


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeRender]:
    render = FakeRender()
    monkeypatch.setattr(build, "_default_renderer", lambda: render)
    monkeypatch.setattr(build, "_default_validator", lambda: RecordingValidator())
    yield render


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["build", *args])
    return result.exit_code, result.stdout, result.stderr


def test_build_via_cli_commits_and_reports_the_sha(repo: Path, fake: FakeRender) -> None:
    code, out, err = _invoke("dev", "--repo", str(repo))
    assert code == 0, err
    sha = git(repo, "rev-parse", "HEAD").strip()
    assert f"committed {sha[:12]} gitops-gen: build dev (0 changed, 4 added, 0 removed)" in out
    code, out, _ = _invoke("dev", "--repo", str(repo))
    assert code == 0 and "no commit" in out


def test_default_repo_is_the_current_directory(repo: Path, fake: FakeRender, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo / "environments")  # any directory inside the repository
    code, _, err = _invoke("prod", "--no-commit")
    assert code == 0, err
    assert (repo / "overlays/prod/patch.yaml").is_file()


def test_check_exit_codes(repo: Path, fake: FakeRender) -> None:
    assert _invoke("--all", "--repo", str(repo))[0] == 0
    code, out, _ = _invoke("--all", "--check", "--repo", str(repo))
    assert code == 0 and "in sync" in out
    (repo / "overlays/staging/patch.yaml").write_text("drift\n")
    code, out, _ = _invoke("--all", "--check", "--repo", str(repo))
    assert code == 1
    assert "  changed overlays/staging/patch.yaml" in out


def test_hand_edit_exit_code_2_and_force(repo: Path, fake: FakeRender) -> None:
    assert _invoke("dev", "--repo", str(repo))[0] == 0
    (repo / "overlays/dev/patch.yaml").write_text("mine\n")
    code, _, err = _invoke("dev", "--repo", str(repo))
    assert code == 2
    assert err.startswith("gitops-gen: error: generated paths have uncommitted hand edits: overlays/dev/patch.yaml")
    assert len(err.strip().splitlines()) == 1
    assert _invoke("dev", "--force", "--repo", str(repo))[0] == 0


def test_unknown_environment(repo: Path, fake: FakeRender) -> None:
    code, _, err = _invoke("qa", "dev", "--repo", str(repo))
    assert code == 2
    assert "unknown environment 'qa' (available: dev, prod, staging)" in err
    assert fake.calls == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "name at least one environment or pass --all (available: dev, prod, staging)"),
        (("dev", "--all"), "give environment names or --all, not both"),
    ],
)
def test_usage_errors(repo: Path, fake: FakeRender, args: tuple[str, ...], message: str) -> None:
    code, _, err = _invoke(*args, "--repo", str(repo))
    assert code == 2
    assert message in err


def test_not_a_git_repository(tmp_path: Path, fake: FakeRender) -> None:
    (tmp_path / "environments").mkdir()
    code, _, err = _invoke("dev", "--repo", str(tmp_path))
    assert code == 2
    assert "not a git repository" in err


def test_repository_without_environments(tmp_path: Path, fake: FakeRender) -> None:
    git(tmp_path, "init", "-q")
    code, _, err = _invoke("dev", "--repo", str(tmp_path))
    assert code == 2
    assert "no environments/ directory" in err


def test_config_error_writes_nothing_and_names_file_and_line(repo: Path, fake: FakeRender) -> None:
    assert _invoke("--all", "--repo", str(repo))[0] == 0
    prod = repo / "environments/prod.yaml"
    lines = prod.read_text().splitlines()
    lines.insert(2, "bogusKey: 1")  # line 3
    prod.write_text("\n".join(lines) + "\n")
    fake.version = "2"  # a build that got through would change files
    files, head = snapshot(repo), git(repo, "rev-parse", "HEAD").strip()

    for args in (("prod",), ("dev", "prod"), ("--all",)):
        code, out, err = _invoke(*args, "--repo", str(repo))
        assert code == 2, out
        assert err.startswith("gitops-gen: error: environments/prod.yaml:3:"), err
        assert "bogusKey" in err
    assert snapshot(repo) == files
    assert git(repo, "rev-parse", "HEAD").strip() == head
    assert fake.calls == 1  # only the first, good build ever rendered

    # other environments still build
    assert _invoke("dev", "--repo", str(repo))[0] == 0


def test_help_has_examples() -> None:
    result = CliRunner().invoke(app, ["build", "--help"], env={"COLUMNS": "160", "TERM": "dumb"})
    assert result.exit_code == 0
    for text in ("--all", "--no-commit", "--repo", "--check", "--force", "gitops-gen build --all --check"):
        assert text in result.stdout


def test_lock_message_via_cli(repo: Path, fake: FakeRender) -> None:
    from generator.gitops.tree import BuildLock

    with BuildLock(repo / ".git"):
        code, _, err = _invoke("dev", "--repo", str(repo))
    assert code == 2
    assert f"another gitops-gen build is running (pid {os.getpid()})" in err


def test_env_file_names_are_accepted(repo: Path, fake: FakeRender) -> None:
    code, _, err = _invoke("environments/dev.yaml", "prod.yaml", "--no-commit", "--repo", str(repo))
    assert code == 0, err
    assert (repo / "overlays/dev").is_dir() and (repo / "overlays/prod").is_dir()
    code, _, err = _invoke("elsewhere/dev.yaml", "--repo", str(repo))
    assert code == 2 and "unknown environment 'elsewhere/dev.yaml'" in err


def test_shell_completion_lists_environments(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    assert build._complete_env("") == ["dev", "prod", "staging"]
    assert build._complete_env("pr") == ["prod"]
    monkeypatch.chdir(repo.parent)  # not a repository: no completions, no error
    assert build._complete_env("") == []


def test_without_a_git_identity_build_stops_before_writing_anything(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine where git cannot name the committer (no user.email, auto-detection off) gets the error
    before the work tree changes; before 2026-12-05 the files were written and commit-tree then failed."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for name in ("GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL", "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    git(repo, "config", "--unset", "user.email")
    git(repo, "config", "user.useConfigOnly", "true")  # no guess from the host name, on any machine
    head = git(repo, "rev-parse", "HEAD")
    before = snapshot(repo)
    result = CliRunner().invoke(app, ["build", "dev", "--no-validate", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    assert "git config user.email" in result.output and "nothing was written" in result.output
    assert "Traceback" not in result.output
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head
    # --no-commit needs no identity
    result = CliRunner().invoke(app, ["build", "dev", "--no-validate", "--no-commit", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
    assert (repo / "overlays" / "dev" / "kustomization.yaml").is_file()


def test_during_a_merge_build_stops_before_writing_anything(repo: Path) -> None:
    """git refuses to commit single paths while a merge waits (builtin/commit.c); a build committed its paths
    in the middle of the user's conflicted merge until 2026-12-05."""
    git(repo, "checkout", "-q", "-b", "side")
    (repo / "README.md").write_text("# platform, side\n")
    git(repo, "commit", "-qam", "side")
    git(repo, "checkout", "-q", "main")
    (repo / "README.md").write_text("# platform, main\n")
    git(repo, "commit", "-qam", "main")
    merged = subprocess.run(["git", "merge", "side"], cwd=repo, capture_output=True, text=True, check=False)
    assert merged.returncode != 0 and (repo / ".git" / "MERGE_HEAD").exists()  # a conflict waits
    head = git(repo, "rev-parse", "HEAD")
    before = snapshot(repo)
    result = CliRunner().invoke(app, ["build", "dev", "--no-validate", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    assert "a merge is in progress" in result.output and "git merge --abort" in result.output
    assert snapshot(repo) == before and git(repo, "rev-parse", "HEAD") == head
    assert (repo / ".git" / "MERGE_HEAD").exists()
    result = CliRunner().invoke(app, ["build", "dev", "--no-validate", "--no-commit", "--repo", str(repo)])
    assert result.exit_code == 0, result.output
