"""`gitops-gen diff`: real git repositories in temp dirs, real kustomize, working tree and index untouched."""

from __future__ import annotations

import hashlib
import io
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from generator.cli import app
from generator.commands import diff
from generator.config.load import discover, load_environment
from generator.gitops import diffing
from generator.kustomize.emit import render_tree

ROOT = Path(__file__).resolve().parents[2]
SECRET_VALUE = "hunter2-very-secret"


@cache
def _tree() -> dict[str, str]:
    return render_tree([load_environment(p, repo_root=ROOT) for p in discover(ROOT)])


def _git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
        "HOME": str(repo),
        "PATH": "/usr/bin:/bin:/usr/local/bin",
    }
    result = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True)
    return result.stdout


def _make_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    for rel, text in _tree().items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text)
    _git(path, "init", "-q", "-b", "main")
    _git(path, "add", "-A")
    _git(path, "commit", "-q", "-m", "generated tree")
    return path


def _add_resource(repo: Path, env: str, filename: str, docs: list[dict[str, object]]) -> None:
    overlay = repo / "overlays" / env
    (overlay / filename).write_text(yaml.safe_dump_all(docs))
    kust = yaml.safe_load((overlay / "kustomization.yaml").read_text())
    kust.setdefault("resources", []).append(filename)
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump(kust, sort_keys=False))


def _secret(value: str) -> dict[str, object]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "extra"}, "stringData": {"password": value}}


def _snapshot(repo: Path) -> tuple[str, str, str, str]:
    index = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    files = hashlib.sha256()
    for p in sorted(repo.rglob("*")):
        if ".git" not in p.parts and p.is_file():
            files.update(str(p.relative_to(repo)).encode() + p.read_bytes())
    status = _git(repo, "--no-optional-locks", "status", "--porcelain")  # must not refresh the index itself
    return index, files.hexdigest(), status, _git(repo, "worktree", "list")


def _run(repo: Path, **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    code = diff.run(repo=repo, out=out, **kw)  # type: ignore[arg-type]
    return code, out.getvalue()


def test_equal_trees_exit_0(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "r")
    code, text = _run(repo)
    assert code == 0
    assert "No changes to the rendered manifests." in text
    for env in ("dev", "staging", "prod"):
        assert f"== {env}: 0 added, 0 removed, 0 changed" in text


def test_added_removed_changed_with_unified_diffs_and_masked_secrets(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "r")
    # base side: dev has a Secret whose value will change
    _add_resource(repo, "dev", "extra.yaml", [_secret("old-" + SECRET_VALUE)])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "secret")
    (repo / "overlays/dev/extra.yaml").write_text(yaml.safe_dump(_secret("new-" + SECRET_VALUE)))
    # prod: add a ConfigMap; staging: change the namespace labels (a changed resource)
    _add_resource(repo, "prod", "cm.yaml", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}])
    ns_file = repo / "overlays/staging/namespace.yaml"
    ns = yaml.safe_load(ns_file.read_text())
    ns["metadata"]["labels"]["team"] = "ml"
    ns_file.write_text(yaml.safe_dump(ns))
    before = _snapshot(repo)

    code, text = _run(repo, base="HEAD")
    assert code == 1
    assert _snapshot(repo) == before  # working tree, index, status and worktrees untouched
    assert "== dev: 0 added, 0 removed, 1 changed" in text
    assert "== prod: 1 added, 0 removed, 0 changed" in text
    assert "== staging: 0 added, 0 removed, 1 changed" in text
    assert "+ ConfigMap mlflow-prod/x" in text
    assert "~ Namespace mlflow-staging" in text
    assert "+    team: ml" in text  # a unified diff line of the changed resource
    assert SECRET_VALUE not in text
    assert f"+  password: {diffing.MASK_CHANGED}" in text and f"-  password: {diffing.MASK}" in text


def test_removed_environment_and_env_filter(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "r")
    subprocess.run(["rm", "-rf", str(repo / "overlays" / "staging")], check=True)
    code, text = _run(repo, base="HEAD", envs=["staging"])
    assert code == 1
    assert "== staging: 0 added" in text and "== prod" not in text
    (line,) = [ln for ln in text.splitlines() if ln.startswith("== staging")]
    removed = int(line.split(", ")[1].split()[0])
    rendered = [d for d in yaml.safe_load_all(_kustomize(repo, "HEAD", "staging")) if d]
    assert removed == len(rendered) > 10
    code, _text = _run(repo, base="HEAD", envs=["prod"])
    assert code == 0


def _kustomize(repo: Path, ref: str, env: str) -> str:
    from generator.kustomize.render import kustomize_build

    tmp = repo.parent / f"export-{env}"
    tmp.mkdir()
    diff._export(diff._open_repo(repo).commit(ref), tmp)
    return kustomize_build(tmp / "overlays" / env)


def test_default_base_is_the_merge_base_with_the_default_branch(tmp_path: Path) -> None:
    origin = _make_repo(tmp_path / "origin")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, capture_output=True)
    assert _git(clone, "symbolic-ref", "refs/remotes/origin/HEAD").strip() == "refs/remotes/origin/main"
    _git(clone, "checkout", "-q", "-b", "feature")
    _add_resource(clone, "prod", "cm.yaml", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "f"}}])
    _git(clone, "add", "-A")
    _git(clone, "commit", "-q", "-m", "feature change")
    # main moves on upstream (the merge base stays the fork point)
    _add_resource(origin, "dev", "cm.yaml", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "m"}}])
    _git(origin, "add", "-A")
    _git(origin, "commit", "-q", "-m", "main change")
    _git(clone, "fetch", "-q")

    code, text = _run(clone)
    fork_point = _git(clone, "merge-base", "HEAD", "origin/main").strip()
    assert fork_point[:12] in text and "origin/main" in text
    assert code == 1
    assert "+ ConfigMap mlflow-prod/f" in text  # committed on the branch: part of the diff
    assert "ConfigMap mlflow-dev/m" not in text  # only on main after the fork: not part of it
    assert _run(clone, base="HEAD")[0] == 0


def test_default_base_without_remote_uses_main(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "r")
    _git(repo, "checkout", "-q", "-b", "work")
    _add_resource(repo, "dev", "cm.yaml", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "w"}}])
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "work")
    code, text = _run(repo)
    assert code == 1 and "main" in text.splitlines()[0]
    assert "+ ConfigMap mlflow-dev/w" in text


def test_markdown_is_a_pr_comment(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "r")
    _add_resource(repo, "prod", "s.yaml", [_secret(SECRET_VALUE)])
    code, text = _run(repo, base="HEAD", fmt="markdown")
    assert code == 1
    assert "| Environment | Added | Removed | Changed |" in text
    assert "| `prod` | 1 | 0 | 0 |" in text
    assert text.count("<details>") == 1 and text.count("</details>") == 1
    assert "```diff" in text and SECRET_VALUE not in text
    assert len(text) <= diffing.MARKDOWN_LIMIT


def test_markdown_is_capped_with_a_note_of_what_was_cut() -> None:
    big = [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm-000"}, "data": {"k": "x" * 2000}}]
    old = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i:03}"}, "data": {"k": "y" * 2000}}
        for i in range(60)
    ]
    many_new = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"cm-{i:03}"}, "data": {"k": f"{i}" * 3000}}
        for i in range(60)
    ]
    diffs = [diffing.diff_env("prod", old, many_new), diffing.diff_env("dev", [], big)]
    full = sum(len(c.diff) for d in diffs for c in d.changes)
    assert full > diffing.MARKDOWN_LIMIT  # the guard: uncut, it would not fit
    text = diffing.render_markdown(diffs, title="t")
    assert len(text) <= diffing.MARKDOWN_LIMIT
    assert "Output cut at 65,536 characters" in text
    assert "left out" in text and "`dev: ConfigMap cm-000`" in text  # the last diff did not fit
    assert text.count("<details>") == text.count("</details>") == 2
    shown = text.count("#### ")
    cut = int(text.split("characters**: ")[1].split()[0])
    assert shown + cut == 61


def test_masking_keeps_unchanged_values_equal() -> None:
    old = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "MQ==", "b": "Mg=="}}
    new = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"a": "MQ==", "b": "Mw=="}}
    (change,) = diffing.diff_env("e", [old], [new]).changes
    assert "Mw==" not in change.diff and "Mg==" not in change.diff and "MQ==" not in change.diff
    assert f"+  b: {diffing.MASK_CHANGED}" in change.diff
    assert "a: " not in "".join(ln for ln in change.diff.splitlines() if ln[:1] in "+-" and "a:" in ln)


def test_cli_bad_base_is_exit_2(tmp_path: Path) -> None:
    repo = _make_repo(tmp_path / "r")
    result = CliRunner().invoke(app, ["diff", "--base", "no-such-ref", "--repo", str(repo)])
    assert result.exit_code == 2
    assert "no-such-ref" in result.output
    result = CliRunner().invoke(app, ["diff", "--repo", str(tmp_path)])
    assert result.exit_code == 2  # not a git repository


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_cli_exit_codes(tmp_path: Path, fmt: str) -> None:
    repo = _make_repo(tmp_path / "r")
    assert CliRunner().invoke(app, ["diff", "--repo", str(repo), "--format", fmt]).exit_code == 0
    _add_resource(repo, "dev", "cm.yaml", [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}])
    result = CliRunner().invoke(app, ["diff", "--repo", str(repo), "--format", fmt, "--env", "dev"])
    assert result.exit_code == 1, result.output


def _make_repo_with_envs(path: Path) -> Path:
    repo = _make_repo(path)
    for src in discover(ROOT):
        (repo / "environments").mkdir(exist_ok=True)
        (repo / "environments" / src.name).write_text(src.read_text())
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "environments")
    return repo


def test_env_file_edited_without_build_is_flagged_not_silently_equal(tmp_path: Path) -> None:
    repo = _make_repo_with_envs(tmp_path / "repo")
    code, out = _run(repo, base="HEAD")
    assert code == 0 and "warning" not in out  # built tree matches its env files: nothing to say
    prod = repo / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("  replicas: 3\n", "  replicas: 4\n", 1))
    assert "replicas: 4" in prod.read_text()
    code, out = _run(repo, base="HEAD")
    assert code == 0  # the rendered overlays did not change...
    warnings = [line for line in out.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "overlays/prod" in warnings[0] and "gitops-gen build prod" in warnings[0]
    code, md = _run(repo, base="HEAD", fmt="markdown")
    assert ":warning:" in md and "overlays/prod" in md and "overlays/dev " not in md


def test_multiline_strings_diff_line_by_line() -> None:
    # indented lines, like the JSON of a Grafana dashboard (PyYAML's default style escapes them all into
    # one double-quoted line)
    text = "{\n" + "".join(f'  "line {i}": {i},\n' for i in range(50)) + "}\n"
    old = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"f.json": text}}
    new = {**old, "data": {"f.json": text.replace('"line 25": 25', '"line 25": 26')}}
    (change,) = diffing.diff_env("dev", [old], [new]).changes
    body = [ln for ln in change.diff.splitlines() if ln[:1] in "+-" and ln[:3] not in ("---", "+++")]
    assert body == ['-      "line 25": 25,', '+      "line 25": 26,']


def test_changes_name_the_sync_step_from_the_argo_cd_model() -> None:
    def hpa(wave: str) -> dict[str, Any]:
        return {
            "apiVersion": "autoscaling/v2",
            "kind": "HorizontalPodAutoscaler",
            "metadata": {"name": "mlflow", "namespace": "p", "annotations": {"argocd.argoproj.io/sync-wave": wave}},
        }

    hook = {
        "apiVersion": "batch/v1",
        "kind": "Job",
        "metadata": {"name": "j", "namespace": "p", "annotations": {"argocd.argoproj.io/hook": "Sync"}},
    }
    result = diffing.diff_env("prod", [hpa("2")], [hpa("4"), hook])
    notes = {c.key.kind: c.sync for c in result.changes}
    assert notes == {"HorizontalPodAutoscaler": "Sync wave 2 -> Sync wave 4", "Job": "Sync hook, wave 0"}
    text = diffing.render_text([result], title="t")
    assert "~ HorizontalPodAutoscaler p/mlflow  [Sync wave 2 -> Sync wave 4]" in text
