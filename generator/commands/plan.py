"""`gitops-gen plan ENV`: the exact order in which Argo CD will apply an environment's resources."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
import yaml

from generator.cli_support import exit_with
from generator.config.load import auth_warnings, environment_path, load_environment
from generator.errors import InputError
from generator.gitops import syncorder
from generator.validate.context import Context
from generator.validate.model import Resource

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


class Format(StrEnum):
    text = "text"
    json = "json"


def load_rendered(text: str, source: str) -> list[dict[str, Any]]:
    """The objects of a rendered manifest stream (``kind: List`` items expanded, empty documents dropped)."""
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError as exc:
        raise InputError(f"{source}: rendered output is not valid YAML: {str(exc).splitlines()[0]}") from None
    out: list[dict[str, Any]] = []
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == "List" and isinstance(doc.get("items"), list):
            out.extend(item for item in doc["items"] if isinstance(item, dict))
        else:
            out.append(doc)
    return out


def render_overlay(repo: Path, env: str) -> list[dict[str, Any]]:
    """Render ``overlays/<env>`` of ``repo`` with real kustomize."""
    from generator.kustomize.render import kustomize_build

    if not _DNS_LABEL.fullmatch(env):
        raise InputError(f"environment name {env!r} is not a DNS label (lowercase letters, digits, '-')")
    overlay = repo / "overlays" / env
    if not (overlay / "kustomization.yaml").is_file() and not (overlay / "kustomization.yml").is_file():
        if not (repo / "environments" / f"{env}.yaml").is_file():
            known = sorted(p.stem for p in (repo / "environments").glob("*.yaml"))
            raise InputError(f"unknown environment {env!r} (available: {', '.join(known) or 'none'})")
        raise InputError(f"{overlay}: no kustomization here; run `gitops-gen build {env}` first")
    return load_rendered(kustomize_build(overlay), f"overlays/{env}")


def build_plan(objects: list[dict[str, Any]], source: str) -> tuple[list[syncorder.Task], syncorder.Analysis]:
    resources = [Resource(obj, source, i) for i, obj in enumerate(objects)]
    analysis = syncorder.analyse(Context(resources))
    return analysis.tasks, analysis


def _ref(task: syncorder.Task) -> str:
    res = task.resource
    return f"{res.kind} {res.namespace}/{res.name}" if res.namespace else f"{res.kind} {res.name}"


def _hook_note(task: syncorder.Task) -> str:
    if not task.hook:
        return ""
    policy = f", delete policy {task.delete_policy}" if task.delete_policy else ""
    return f"  [hook {task.phase}{policy}]"


def write_text(env: str, tasks: list[syncorder.Task], analysis: syncorder.Analysis, out: TextIO) -> None:
    groups = syncorder.steps(tasks)
    out.write(f"Argo CD sync plan for overlays/{env}: {len(tasks)} resources in {len(groups)} steps\n")
    out.write("(order: phase, sync-wave, kind order of gitops-engine sync_tasks.go, name; each step must be\n")
    out.write(" healthy before the next one starts)\n")
    hazards: dict[int, int] = {}
    for res, _finding in analysis.hazards:
        hazards[id(res)] = hazards.get(id(res), 0) + 1
    for phase, wave, group in groups:
        out.write(f"\n{phase} phase, wave {wave}:\n")
        for task in group:
            flag = "  !! ordering hazard" if hazards.get(id(task.resource)) else ""
            out.write(f"  {task.position + 1:>3}. {_ref(task)}{_hook_note(task)}{flag}\n")
    if analysis.hazards:
        out.write(f"\nOrdering hazards ({len(analysis.hazards)}):\n")
        for res, finding in analysis.hazards:
            out.write(f"  - {res.kind} {res.namespace}/{res.name} {finding.path}: {finding.message}\n")
    else:
        out.write("\nNo ordering hazards.\n")


def to_json(env: str, tasks: list[syncorder.Task], analysis: syncorder.Analysis) -> dict[str, Any]:
    steps_out = []
    for phase, wave, group in syncorder.steps(tasks):
        items = []
        for task in group:
            res = task.resource
            item: dict[str, Any] = {
                "order": task.position + 1,
                "apiVersion": res.api_version,
                "kind": res.kind,
                "namespace": res.namespace,
                "name": res.name,
                "hook": task.hook,
            }
            if task.hook:
                item["deletePolicy"] = task.delete_policy
            items.append(item)
        steps_out.append({"phase": phase, "wave": wave, "resources": items})
    hazards = [
        {"resource": res.ref.to_dict(), "path": finding.path, "message": finding.message}
        for res, finding in analysis.hazards
    ]
    return {"environment": env, "path": f"overlays/{env}", "steps": steps_out, "hazards": hazards}


def run(env: str, *, fmt: str = "text", repo: Path = Path("."), out: TextIO) -> int:
    """Print the plan of ``env``; 0 without ordering hazards, 1 with (2 for input errors, raised)."""
    if fmt not in ("text", "json"):
        raise InputError(f"unknown format {fmt!r} (expected text or json)")
    objects = render_overlay(repo, env)
    tasks, analysis = build_plan(objects, f"overlays/{env}")
    if fmt == "json":
        out.write(json.dumps(to_json(env, tasks, analysis), indent=2, sort_keys=True) + "\n")
    else:
        write_text(env, tasks, analysis, out)
        write_auth_warnings(repo, env, out)
    return 1 if analysis.hazards else 0


def write_auth_warnings(repo: Path, env: str, out: TextIO) -> None:
    """Issue 11 (kept apart): ``auth: none`` in prod is allowed but shown. Reads the env file when there is
    one (the plan itself only needs the rendered overlay)."""
    path = environment_path(repo, env)
    if not path.is_file():
        return
    for warning in auth_warnings(load_environment(path, repo_root=repo)):
        out.write(f"\nwarning: {warning}\n")


def cli(
    env: Annotated[str, typer.Argument(help="Environment whose overlays/ENV is planned.", show_default=False)],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    repo: Annotated[
        Path, typer.Option("--repo", help="GitOps repository root.", file_okay=False, show_default=True)
    ] = Path("."),
) -> None:
    """Print the exact order Argo CD will apply overlays/ENV in.

    Renders the overlay with kustomize and sorts it like Argo CD (gitops-engine): phase (PreSync, Sync,
    PostSync), sync-wave, the fixed kind order (custom resources last), name. Output is grouped by wave;
    hooks are marked and ordering hazards (a consumer applied before what it needs, see the
    argocd-sync-order rule) are flagged. Exit 0 without hazards, 1 with hazards, 2 on input errors.
    """
    exit_with(lambda: run(env, fmt=fmt.value, repo=repo, out=_stdout()))


def _stdout() -> TextIO:
    import sys

    return sys.stdout
