"""`gitops-gen plan ENV`: the first Argo CD sync of an environment, simulated with health.

Renders ``overlays/ENV`` with real kustomize and runs :func:`generator.models.argocd.simulate.simulate`:
the steps in Argo CD's order, which of them Argo CD waits on, per resource what it needs to become Healthy
and who provides it (an earlier step or a declared cluster prerequisite of ``environments/ENV.yaml``), and
every hazard. Exit 0 without hazards, 1 with hazards, 2 on input errors.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TextIO

import typer
import yaml

from generator.cli_support import exit_with, find_project
from generator.errors import InputError
from generator.kustomize.files import SAFE_LOADER, kustomization_file
from generator.models.argocd import prereqs as prereq_model
from generator.models.argocd import simulate as sim_model
from generator.models.k8s import Obj

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


class Format(StrEnum):
    text = "text"
    json = "json"


def load_rendered(text: str, source: str) -> list[dict[str, Any]]:
    """The objects of a rendered manifest stream (``kind: List`` items expanded, empty documents dropped)."""
    try:
        # libyaml's parser (PyYAML's C loader: safe_load_all's resolver and constructors) where PyYAML has it;
        # the pure-Python one took ~0.1 s an overlay of this repository, diff renders two per environment
        docs = list(yaml.load_all(text, Loader=SAFE_LOADER))
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
    if kustomization_file(overlay) is None:
        if not (repo / "environments" / f"{env}.yaml").is_file():
            known = sorted(p.stem for p in (repo / "environments").glob("*.yaml"))
            raise InputError(f"unknown environment {env!r} (available: {', '.join(known) or 'none'})")
        raise InputError(f"{overlay}: no kustomization here; run `gitops-gen build {env}` first")
    return load_rendered(kustomize_build(overlay), f"overlays/{env}")


def _declared(
    repo: Path, env: str, objects: list[Obj]
) -> tuple[list[prereq_model.Prerequisite], dict[str, str], list[str]]:
    """(prerequisites, remote keys another environment reads -> its name, config warnings)."""
    from generator.config.load import discover, load_environment

    path = repo / "environments" / f"{env}.yaml"
    if not path.is_file():
        return sim_model.inferred(objects), {}, []
    this = load_environment(path, repo_root=repo)
    shared: dict[str, str] = {}
    mine = {key for _k, _n, key, _p in prereq_model.remote_keys(o.obj for o in objects)}
    for other_path in discover(repo):
        if other_path.stem == env:
            continue
        other = load_environment(other_path, repo_root=repo)
        from generator.platform.build import build_objects

        for _k, _n, key, _p in prereq_model.remote_keys(build_objects(other)):
            if key in mine:
                shared.setdefault(key, other.name)
    return prereq_model.declared(this), shared, list(this.warnings)


def simulate(repo: Path, env: str) -> tuple[sim_model.Simulation, list[str]]:
    objects = [Obj(o) for o in render_overlay(repo, env)]
    declared, shared, warnings = _declared(repo, env, objects)
    return sim_model.simulate(objects, declared, shared_keys=shared), warnings


def _ref(kind: str, namespace: str, name: str) -> str:
    return f"{kind} {namespace}/{name}" if namespace else f"{kind} {name}"


def write_text(env: str, sim: sim_model.Simulation, warnings: list[str], out: TextIO) -> None:
    total = sum(len(s.items) for s in sim.steps)
    out.write(f"Argo CD first sync of overlays/{env}: {total} resources in {len(sim.steps)} steps\n")
    out.write("(order: phase, sync-wave, kind order of gitops-engine sync_tasks.go, name; Argo CD waits until every\n")
    out.write(" resource of a step is Healthy before the next; the last step is not waited on when it has no hook)\n")
    for w in warnings:
        out.write(f"warning: {w}\n")
    flagged = {id(h.resource) for h in sim.hazards}
    for step in sim.steps:
        waited = "waited on" if step.waited else "not waited on"
        out.write(f"\n{step.phase} phase, wave {step.wave} ({waited}):\n")
        for item in step.items:
            task, res = item.task, item.task.resource
            hook = ""
            if task.hook:
                policy = f", delete policy {task.delete_policy}" if task.delete_policy else ""
                hook = f"  [hook {task.phase}{policy}]"
            flag = "  !! hazard" if id(res) in flagged else ""
            mark = "  (waited on)" if item.waited else ""
            out.write(f"  {task.position + 1:>3}. {_ref(res.kind, res.namespace, res.name)}{hook}{mark}{flag}\n")
            for need in item.needs:
                out.write(f"         needs {need.what}: {need.provider or 'NOTHING PROVIDES IT'}\n")
    out.write("\nCluster prerequisites (the repository does not create these):\n")
    for p in sim.prerequisites:
        out.write(f"  - {p.title}\n")
        for detail in p.details:
            out.write(f"      {detail}\n")
    if sim.hazards:
        out.write(f"\nHazards ({len(sim.hazards)}):\n")
        for h in sim.hazards:
            where = f" {h.path}" if h.path else ""
            out.write(f"  - {_ref(h.resource.kind, h.resource.namespace, h.resource.name)}{where}: {h.message}\n")
    else:
        out.write("\nNo hazards: the first sync succeeds given the prerequisites above.\n")


def to_json(env: str, sim: sim_model.Simulation, warnings: list[str]) -> dict[str, Any]:
    return {"environment": env, "path": f"overlays/{env}", "warnings": warnings, **sim_model.to_dict(sim)}


def run(env: str, *, fmt: str = "text", repo: Path | None = None, out: TextIO) -> int:
    """Print the simulated first sync of ``env``; 0 without hazards, 1 with (2 for input errors, raised).
    ``repo``: the project root (default: found from the current directory up, :func:`find_project`)."""
    if fmt not in ("text", "json"):
        raise InputError(f"unknown format {fmt!r} (expected text or json)")
    repo = repo if repo is not None else find_project(Path.cwd())
    sim, warnings = simulate(repo, env)
    if fmt == "json":
        out.write(json.dumps(to_json(env, sim, warnings), indent=2, sort_keys=True) + "\n")
    else:
        write_text(env, sim, warnings, out)
    return 1 if sim.hazards else 0


def cli(
    env: Annotated[str, typer.Argument(help="Environment whose overlays/ENV is planned.", show_default=False)],
    fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.text,
    repo: Annotated[
        Path | None,
        typer.Option(
            "--repo",
            help="GitOps repository root (default: the nearest directory from here up that holds environments/ "
            "or overlays/).",
            file_okay=False,
            show_default=False,
        ),
    ] = None,
) -> None:
    """Simulate the first Argo CD sync of overlays/ENV, with health.

    Renders the overlay with kustomize and sorts it like Argo CD (gitops-engine): phase (PreSync, Sync,
    PostSync), sync-wave, the fixed kind order (custom resources last), name. For every step it shows
    whether Argo CD waits on it, and for every resource what it needs to become Healthy and who provides it
    (an earlier step or a cluster prerequisite declared by environments/ENV.yaml, listed at the end). An
    unmet need or an ordering hazard is a hazard. Exit 0 without hazards, 1 with hazards, 2 on input errors.
    """
    exit_with(lambda: run(env, fmt=fmt.value, repo=repo, out=_stdout()))


def _stdout() -> TextIO:
    import sys

    return sys.stdout
