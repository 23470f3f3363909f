"""kustomize directories render at once (generator.kustomize.renders), with the results of one by one.

Real kustomize renders every overlay; a `kustomize` script first on PATH (what kustomize_command picks)
logs when each render starts and ends, waits a little so that renders overlap measurably, and runs
`kubectl kustomize` for the output.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.validate import cpus

ROOT = Path(__file__).resolve().parents[2]

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n"
BAD_CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  port: 8080\n"  # not a string
WRAPPER = """#!/bin/sh
# kustomize build DIR: log the interval, render with kubectl
echo "start $2 $(date +%s.%N)" >> "{log}"
case "$2" in *{slow}) sleep 1.2 ;; *) sleep 0.4 ;; esac
kubectl kustomize "$2"
rc=$?
echo "end $2 $(date +%s.%N)" >> "{log}"
exit $rc
"""


def _repo(root: Path, overlays: dict[str, str]) -> Path:
    (root / "base").mkdir(parents=True)
    (root / "base" / "cm.yaml").write_text(BAD_CM)
    (root / "base" / "kustomization.yaml").write_text("resources:\n  - cm.yaml\n")
    for name, body in overlays.items():
        (root / "overlays" / name).mkdir(parents=True)
        (root / "overlays" / name / "kustomization.yaml").write_text(body)
    return root


def _overlay(namespace: str) -> str:
    return f"resources:\n  - ../../base\nnamespace: {namespace}\n"


@pytest.fixture
def logged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The log file of the `kustomize` wrapper, which is first on PATH for the test."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "renders.log"
    script = bin_dir / "kustomize"
    script.write_text(WRAPPER.format(log=log, slow="/overlays/b"))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def _intervals(log: Path, *, whole_path: bool = False) -> dict[str, tuple[float, float]]:
    """Each render's (start, end), by directory name (or path); a directory rendered twice fails."""
    starts: dict[str, float] = {}
    out: dict[str, tuple[float, float]] = {}
    for line in log.read_text().splitlines():
        what, directory, when = line.split()
        name = directory if whole_path else Path(directory).name
        assert what == "start" or name in starts, line
        if what == "start":
            assert name not in starts, f"{name} rendered twice"
            starts[name] = float(when)
        else:
            out[name] = (starts[name], float(when))
    log.unlink()
    return out


def _most_at_once(intervals: dict[str, tuple[float, float]]) -> int:
    events = sorted([(s, 1) for s, _ in intervals.values()] + [(e, -1) for _, e in intervals.values()])
    running = most = 0
    for _, step in events:
        running += step
        most = max(most, running)
    return most


def _without_log_stamps(outcome: tuple[int, str]) -> tuple[int, str]:
    """kubectl's error lines start with a klog header (severity, date, time, pid) that differs per run."""
    return outcome[0], re.sub(r"\b[EWI]\d{4} [\d:.]+ +\d+ ", "", outcome[1])


def _validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["validate", *args])
    return result.exit_code, result.stdout + result.stderr


def test_overlays_render_at_once_up_to_jobs_with_the_output_of_one_by_one(tmp_path: Path, logged: Path) -> None:
    repo = _repo(tmp_path / "repo", {name: _overlay(f"team-{name}") for name in ("a", "b", "c", "d")})
    reports: dict[int, str] = {}
    for jobs in (1, 2, 3):
        code, reports[jobs] = _validate("--repo", str(repo), "--jobs", str(jobs), "--format", "json")
        assert code == 1, reports[jobs]
        intervals = _intervals(logged)
        assert sorted(intervals) == ["a", "b", "c", "d"]  # each overlay rendered once
        assert _most_at_once(intervals) == jobs
    assert reports[1] == reports[2] == reports[3]
    assert all(f'"namespace": "team-{name}"' in reports[1] for name in "abcd")  # every overlay's findings


def test_directories_below_inputs_render_at_once(tmp_path: Path, logged: Path) -> None:
    repo = _repo(tmp_path / "repo", {name: _overlay(f"team-{name}") for name in ("a", "c")})
    (repo / "plain.yaml").write_text(CM.replace("settings", "plain"))
    code, out = _validate(str(repo / "overlays"), str(repo / "plain.yaml"), "--jobs", "2", "--format", "json")
    assert code == 1, out
    assert _most_at_once(_intervals(logged)) == 2
    code, serial = _validate(str(repo / "overlays"), str(repo / "plain.yaml"), "--jobs", "1", "--format", "json")
    assert (code, serial) == (1, out)


def test_the_first_failing_overlay_in_input_order_is_reported(tmp_path: Path, logged: Path) -> None:
    # b fails last in time (its render is the slow one), c first: b is still the error, as one by one
    broken = "resources:\n  - missing.yaml\n"
    repo = _repo(tmp_path / "repo", {"a": _overlay("team-a"), "b": broken, "c": broken})
    outcomes = {jobs: _validate("--repo", str(repo), "--jobs", str(jobs)) for jobs in (1, 2)}
    assert _without_log_stamps(outcomes[1]) == _without_log_stamps(outcomes[2])
    code, out = outcomes[2]
    assert code == 2 and "overlays/b: kustomize failed" in out and "overlays/c" not in out, out


def test_allow_remote_holds_in_the_render_threads(tmp_path: Path) -> None:
    # Without the caller's context in the threads, --allow-remote would be lost there: "is remote" (exit 2
    # before kustomize runs) instead of kustomize's own failure to fetch.
    remote = "resources:\n  - http://127.0.0.1:9/refused.yaml\n"  # port 9 (discard): refused at once
    repo = _repo(tmp_path / "repo", {"a": remote, "b": remote})
    code, out = _validate("--repo", str(repo), "--jobs", "2", "--allow-remote")
    assert code == 2 and "is remote" not in out and "overlays/a: kustomize failed" in out, out
    code, out = _validate("--repo", str(repo), "--jobs", "2")
    assert code == 2 and "is remote" in out, out


def test_build_all_renders_the_overlays_at_once(tmp_path: Path, logged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "gitops"
    repo.mkdir()
    shutil.copytree(ROOT / "environments", repo / "environments")
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.name", "t"],
        ["config", "user.email", "t@example.invalid"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True)
    outputs = {}
    for jobs in (1, 3):
        monkeypatch.setattr(cpus, "default_jobs", lambda jobs=jobs: jobs)  # build's renders follow the cores
        result = CliRunner().invoke(app, ["build", "--all", "--no-commit", "--repo", str(repo)])
        assert result.exit_code == 0, result.output
        outputs[jobs] = [line for line in result.output.splitlines() if line.startswith("validated")]
        intervals = _intervals(logged)
        assert sorted(intervals) == ["dev", "prod", "staging"]
        assert _most_at_once(intervals) == jobs
    assert outputs[1] == outputs[3]  # the same lines in the same (environment) order
    assert sorted(line.split()[1] for line in outputs[1]) == ["overlays/dev:", "overlays/prod:", "overlays/staging:"]


def test_diff_renders_both_sides_of_every_overlay_at_once(
    tmp_path: Path, logged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_path / "repo", {name: _overlay(f"team-{name}") for name in ("a", "c")})
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "commit", "-qm", "x"], cwd=repo)
    (repo / "overlays" / "c" / "kustomization.yaml").write_text(_overlay("team-changed"))
    outputs = {}
    for jobs in (1, 4):
        monkeypatch.setattr(cpus, "default_jobs", lambda jobs=jobs: jobs)
        result = CliRunner().invoke(app, ["diff", "--base", "HEAD", "--repo", str(repo)])
        assert result.exit_code == 1, result.output  # overlays/c changed
        outputs[jobs] = result.output
        intervals = _intervals(logged, whole_path=True)
        assert sorted(Path(d).name for d in intervals) == ["a", "a", "c", "c"]  # both sides of each, once
        assert _most_at_once(intervals) == min(jobs, 4)
    assert outputs[1] == outputs[4] and "team-changed" in outputs[1]


def test_a_directory_given_twice_renders_once_ahead(tmp_path: Path, logged: Path) -> None:
    repo = _repo(tmp_path / "repo", {name: _overlay(f"team-{name}") for name in ("a", "c")})
    a, c = repo / "overlays" / "a", repo / "overlays" / "c"
    args = [str(a), str(c), f"{a}/", str(repo / "overlays" / ".." / "overlays" / "a"), "--format", "json"]
    code, ahead = _validate(*args, "--jobs", "2")
    assert code == 1, ahead
    assert sorted(_intervals(logged)) == ["a", "c"]  # the same directory, however spelled, renders once
    code, one_by_one = _validate(*args, "--jobs", "1")
    logged.unlink()  # one by one, each input renders again
    assert (code, one_by_one) == (1, ahead)


def test_an_early_error_starts_no_more_renders(tmp_path: Path, logged: Path) -> None:
    # a fails after 0.4 s, b (the slow one) runs 1.2 s: the command stops at a. The thread that rendered a
    # may take c before the command stops, and d if the command is slow to stop (a loaded machine); rendered
    # one after the other on that thread, e would start at 1.2 s
    broken = "resources:\n  - missing.yaml\n"
    overlays = {"a": broken, **{name: _overlay(f"team-{name}") for name in ("b", "c", "d", "e")}}
    repo = _repo(tmp_path / "repo", overlays)
    code, out = _validate("--repo", str(repo), "--jobs", "2")
    assert code == 2 and "overlays/a: kustomize failed" in out, out
    time.sleep(2.0)  # what was running has ended by now
    started = [line.split()[1] for line in logged.read_text().splitlines() if line.startswith("start")]
    names = sorted(Path(d).name for d in started)
    assert names[:2] == ["a", "b"] and "e" not in names, names
