"""`gitops-gen validate PATH...` over several apply targets: each kustomize directory's render is applied
on its own (as Argo CD and Flux apply one), the plain files and stdin together (as ``kubectl apply -R -f``
applies them). ``duplicate-resource`` counts copies within one of them; the run still sees every input, so
Argo CD objects are checked against the overlay they sync. Real kustomize."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from generator.commands import validate as validate_cmd

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx:1.27
          envFrom: [{configMapRef: {name: settings}}]
"""
SETTINGS = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: {mode: fast}\n"


def _validate(paths: list[str], repo: Path) -> dict[str, Any]:
    out = io.StringIO()
    validate_cmd.run(paths, out=out, repo=repo, fmt="json")
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def _rules(report: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((f["rule"], f["file"]) for f in report["findings"] if f["rule"] in WATCHED)


WATCHED = {"duplicate-resource", "missing-reference", "kustomize-deprecated"}

# An Application of project "web" syncing app/ into namespace web, whose project allows Deployments only.
ARGOCD = """\
apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata: {name: web, namespace: argocd}
spec:
  sourceRepos: ["*"]
  destinations: [{server: https://kubernetes.default.svc, namespace: web}]
  namespaceResourceWhitelist: [{group: apps, kind: Deployment}]
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {name: web, namespace: argocd}
spec:
  project: web
  source: {repoURL: https://example.com/repo.git, path: app, targetRevision: HEAD}
  destination: {server: https://kubernetes.default.svc, namespace: web}
"""


def _layout(root: Path, *, base_kustomization: str = "resources: [deploy.yaml, settings.yaml]\n") -> None:
    """The usual kustomize layout: a base and two overlays that set no namespace (one cluster each)."""
    (root / "base").mkdir(parents=True)
    (root / "base" / "deploy.yaml").write_text(DEPLOYMENT)
    (root / "base" / "settings.yaml").write_text(SETTINGS)
    (root / "base" / "kustomization.yaml").write_text(base_kustomization)
    for name in ("staging", "prod"):
        (root / "overlays" / name).mkdir(parents=True)
        (root / "overlays" / name / "kustomization.yaml").write_text("resources: [../../base]\n")


def test_a_base_and_its_overlays_are_not_duplicates_of_each_other(tmp_path: Path) -> None:
    _layout(tmp_path)
    report = _validate([str(tmp_path / "base"), str(tmp_path / "overlays")], tmp_path)
    assert report["summary"]["resources"] == 6  # the base (named) and each overlay: 2 objects each
    assert _rules(report) == []


def test_a_walked_base_is_validated_in_the_overlays_that_pull_it_in(tmp_path: Path) -> None:
    """Walking finds base/ and both overlays; the overlays pull the base in, so it is not rendered on its own
    (Argo CD and Flux apply the overlays): 4 objects, not 6."""
    _layout(tmp_path)
    report = _validate([str(tmp_path)], tmp_path)
    assert report["summary"]["resources"] == 4
    assert _rules(report) == []


HOOK_SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: hook}
spec:
  selector: {app: hook}
  ports: [{port: 443, targetPort: webhook}]
"""
HOOK_PORT_PATCH = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: hook}
spec:
  template:
    spec:
      containers: [{name: hook, ports: [{name: webhook, containerPort: 8443}]}]
"""


def test_bases_are_not_joined_without_the_patches_of_the_directory_that_pulls_them_in(tmp_path: Path) -> None:
    """Gatekeeper's config/: webhook/ (a Service) and manager/ (its Deployment) are bases of default/, whose
    patch adds the webhook port. Walked, only default/ is rendered: no port-mismatch. Named, the two bases
    are rendered on their own and joined: the Service's port is missing."""
    for name, files in {
        "webhook": {"service.yaml": HOOK_SERVICE},
        "manager": {"deploy.yaml": DEPLOYMENT.replace("web", "hook")},
        "default": {"port.yaml": HOOK_PORT_PATCH},
    }.items():
        (tmp_path / name).mkdir()
        for file, text in files.items():
            (tmp_path / name / file).write_text(text)
        listed = [f for f in files if f != "port.yaml"]
        (tmp_path / name / "kustomization.yaml").write_text(f"resources: [{', '.join(listed)}]\n")
    (tmp_path / "default" / "kustomization.yaml").write_text(
        "resources: [../webhook, ../manager]\npatches: [{path: port.yaml}]\n"
    )
    report = _validate([str(tmp_path)], tmp_path)
    assert report["summary"]["resources"] == 2
    assert [f for f in report["findings"] if f["rule"] == "port-mismatch"] == []
    report = _validate([str(tmp_path / "webhook"), str(tmp_path / "manager")], tmp_path)
    assert [f["file"] for f in report["findings"] if f["rule"] == "port-mismatch"] == ["webhook/service.yaml"]


def test_argo_cd_objects_are_checked_against_the_overlay_given_with_them(tmp_path: Path) -> None:
    """A plain AppProject and a rendered overlay in one run: argocd-project-denies sees both."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.yaml").write_text(
        SETTINGS.replace("{name: settings}", "{name: settings, namespace: web}")
    )
    (tmp_path / "app" / "kustomization.yaml").write_text("resources: [settings.yaml]\n")
    (tmp_path / "argocd").mkdir()
    (tmp_path / "argocd" / "app.yaml").write_text(ARGOCD)
    report = _validate([str(tmp_path / "argocd"), str(tmp_path / "app")], tmp_path)
    denied = [f for f in report["findings"] if f["rule"] == "argocd-project-denies"]
    assert [f["resource"]["kind"] for f in denied] == ["ConfigMap"]


def test_plain_files_are_one_set(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "deploy.yaml").write_text(DEPLOYMENT)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "settings.yaml").write_text(SETTINGS)
    (tmp_path / "b" / "again.yaml").write_text(SETTINGS)
    report = _validate([str(tmp_path)], tmp_path)
    # the reference resolves across directories, and the same object twice is a duplicate
    assert _rules(report) == [("duplicate-resource", "b/settings.yaml")]


def test_a_shared_base_s_deprecated_field_is_reported_once(tmp_path: Path) -> None:
    _layout(tmp_path, base_kustomization="commonLabels: {team: web}\nresources: [deploy.yaml, settings.yaml]\n")
    report = _validate([str(tmp_path / "overlays" / "staging"), str(tmp_path / "overlays" / "prod")], tmp_path)
    assert _rules(report) == [("kustomize-deprecated", "base/kustomization.yaml")]


def test_a_directory_or_file_given_twice_is_read_once(tmp_path: Path) -> None:
    _layout(tmp_path)
    staging = tmp_path / "overlays" / "staging"
    once = _validate([str(staging)], tmp_path)
    twice = _validate(
        [str(staging), str(staging) + "/", str(tmp_path / "overlays" / ".." / "overlays" / "staging")], tmp_path
    )
    assert twice == once
    assert once["summary"]["resources"] == 2
    plain = tmp_path / "base" / "settings.yaml"
    alone = _validate([str(plain)], tmp_path)
    assert _validate([str(plain), str(tmp_path / "base" / ".." / "base" / "settings.yaml")], tmp_path) == alone
    assert alone["summary"]["resources"] == 1


def test_a_kustomize_component_below_a_directory_is_checked_through_its_overlays_only(tmp_path: Path) -> None:
    """A Component (kind: Component) patches what the kustomization including it has: built on its own,
    kustomize fails (``validate .`` on kubernetes-sigs/metrics-server's manifests exited 2)."""
    _layout(tmp_path)
    component = tmp_path / "components" / "replicas"
    component.mkdir(parents=True)
    (component / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\npatches: [{path: replicas.yaml}]\n"
    )
    # a strategic-merge patch names its target: alone, kustomize finds no Deployment web to patch
    (component / "replicas.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 2}\n"
    )
    (tmp_path / "overlays" / "prod" / "kustomization.yaml").write_text(
        "resources: [../../base]\ncomponents: [../../components/replicas]\n"
    )
    out = io.StringIO()
    code = validate_cmd.run([str(tmp_path)], out=out, repo=tmp_path, fmt="json")
    report = json.loads(out.getvalue())
    assert code in (0, 1)
    assert report["summary"]["resources"] == 4  # the two overlays (the base is pulled in); the Component is no target


def test_a_base_that_only_an_overlay_kustomize_cannot_build_pulls_in_is_rendered_on_its_own(tmp_path: Path) -> None:
    """Gatekeeper's config/: overlays/dev pulls in default/ and names manager_image_patch.yaml, which its
    Makefile writes. Walked, overlays/dev is an unreadable-input error, and default/, which nothing else
    pulls in, went unchecked in silence (config/ gave 7 resources, default/ alone 31). An overlay whose
    kustomization names a local file that is not there pulls nothing in: the base is rendered on its own."""
    _layout(tmp_path)
    for name in ("staging", "prod"):
        (tmp_path / "overlays" / name / "kustomization.yaml").write_text(
            "resources: [../../base]\npatchesStrategicMerge: [manager_image_patch.yaml]\n"
        )
    report = _validate([str(tmp_path)], tmp_path)
    assert report["summary"]["resources"] == 2  # the base's two objects, once
    assert sorted(f["file"] for f in report["findings"] if f["rule"] == "unreadable-input") == [
        "overlays/prod/kustomization.yaml",
        "overlays/staging/kustomization.yaml",
    ]
    # with the patch there, the overlays build and the base is validated through them, as before
    for name in ("staging", "prod"):
        (tmp_path / "overlays" / name / "manager_image_patch.yaml").write_text(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
        )
    report = _validate([str(tmp_path)], tmp_path)
    assert report["summary"]["resources"] == 4
    assert [f for f in report["findings"] if f["rule"] == "unreadable-input"] == []


def test_a_remote_or_inline_entry_is_no_missing_local_path(tmp_path: Path) -> None:
    """Only a local path that is not there makes an overlay unbuildable here: a remote entry (refused, or
    fetched with --allow-remote) and an inline strategic-merge patch are no such path, so the base stays
    validated through the overlay."""
    from generator.validate.walk import _names_missing

    (tmp_path / "remote").mkdir()
    (tmp_path / "remote" / "kustomization.yaml").write_text(
        "resources: [github.com/fluxcd/flux2/manifests/install?ref=v2.4.0, https://example.com/x.yaml]\n"
        "patchesStrategicMerge:\n  - |-\n    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: x}\n"
        "  - '{apiVersion: v1, kind: ConfigMap, metadata: {name: y}}'\n"
    )
    assert not _names_missing(tmp_path / "remote")
    (tmp_path / "local").mkdir()
    for entries in ("resources: [gone.yaml]", "components: [../nowhere]", "patches: [{path: gone.yaml}]"):
        (tmp_path / "local" / "kustomization.yaml").write_text(entries + "\n")
        assert _names_missing(tmp_path / "local"), entries
