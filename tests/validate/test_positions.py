"""Source mapping: exact lines for plain files, source files (base or patch) for kustomize overlays."""

from __future__ import annotations

from pathlib import Path

from generator.validate.engine import validate_resources
from generator.validate.inputs import load_path
from generator.validate.load import load_text
from generator.validate.model import Resource
from generator.validate.positions import Locator, parse_pointer


def test_parse_pointer_unescapes() -> None:
    assert parse_pointer("/metadata/annotations/a~1b~0c") == ["metadata", "annotations", "a/b~c"]
    assert parse_pointer("") == []


TEXT = """# leading comment
apiVersion: v1
kind: ConfigMap
metadata: {name: first}
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
        - name: a
          image: x:1
        - name: b
          image: "y:2"
          ports:
            - containerPort: 80
"""


def test_plain_file_positions_point_at_the_field() -> None:
    first, deployment = load_text(TEXT, "f.yaml")
    locator = Locator()
    assert locator.locate(deployment, "/spec/template/spec/containers/1/image") == ("f.yaml", 17, 11)
    assert locator.locate(deployment, "/spec/template/spec/containers/1/ports/0/containerPort") == ("f.yaml", 19, 15)
    assert locator.locate(deployment, "/metadata/name") == ("f.yaml", 9, 3)
    # a missing field: its deepest existing parent
    assert locator.locate(deployment, "/spec/template/spec/securityContext") == ("f.yaml", 12, 5)
    assert locator.locate(first, "/metadata/name") == ("f.yaml", 4, 12)
    assert locator.locate(first, "") == ("f.yaml", 2, 1)


def test_list_items_positions() -> None:
    text = "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n"
    [res] = load_text(text, "l.yaml")
    assert Locator().locate(res, "/metadata/name") == ("l.yaml", 7, 7)


def test_kustomize_findings_point_at_base_files_and_patches(kustomize_repo: Path) -> None:
    resources = load_path(kustomize_repo / "overlays" / "dev", repo=kustomize_repo)
    assert {r.name for r in resources} == {"dev-mlflow"}
    report = validate_resources(
        resources, kubernetes_version="1.33", only=frozenset({"unknown-field", "schema-invalid"})
    )
    where = {(f.rule, f.path): (f.file, f.line, f.column) for f in report.findings}
    assert where[("unknown-field", "/spec/ports/0/targetport")] == ("base/service.yaml", 9, 7)
    assert where[("schema-invalid", "/spec/replicas")] == ("overlays/dev/patch.yaml", 6, 3)
    assert all(not f.file.startswith("<") and f.file != "stdin" for f in report.findings)


def test_kustomize_list_indexes_map_by_container_name(kustomize_repo: Path) -> None:
    # kustomize reorders the containers (mlflow first); positions follow the container's name.
    resources = load_path(kustomize_repo / "overlays" / "dev", repo=kustomize_repo)
    deployment = next(r for r in resources if r.kind == "Deployment")
    containers = deployment.obj["spec"]["template"]["spec"]["containers"]
    index = next(i for i, c in enumerate(containers) if c["name"] == "sidecar")
    file, line, _ = Locator().locate(deployment, f"/spec/template/spec/containers/{index}/image")
    assert (file, line) == ("base/deployment.yaml", 16)


def test_kustomize_resource_not_found_falls_back_to_the_kustomization(kustomize_repo: Path) -> None:
    overlay = kustomize_repo / "overlays" / "dev"
    resources = load_path(overlay, repo=kustomize_repo)
    # an object no source document and no generator defines (as from a remote base)
    stray = Resource(
        {"apiVersion": "v1", "kind": "Widget", "metadata": {"name": "zz"}}, "x", 0, 0, source=resources[0].source
    )
    assert Locator().locate(stray, "/spec") == ("overlays/dev/kustomization.yaml", 0, 0)


def test_a_generated_configmap_or_secret_points_at_its_generator_entry(kustomize_repo: Path) -> None:
    """configMapGenerator and secretGenerator (kustomize api/kv/kv.go): a literal, an env file's line, a
    files entry; until 2026-12-05 every finding on a generated object was at line 0 of the kustomization."""
    base = kustomize_repo / "base"
    (base / "app.properties").write_text("password=hunter2\n")
    (base / "db.env").write_text("# database\n\n  USER=app\nPASSWORD=hunter2\n")
    (base / "kustomization.yaml").write_text(
        (base / "kustomization.yaml").read_text()
        + "configMapGenerator:\n"
        + "  - name: settings\n"
        + "    literals:\n"
        + "      - MODE=fast\n"
        + "      - TOKEN=abc\n"
        + "    files:\n"
        + "      - app.properties\n"
        + "      - renamed.conf=app.properties\n"
        + "secretGenerator:\n"
        + "  - name: db\n"
        + "    envs: [db.env]\n"
    )
    overlay = kustomize_repo / "overlays" / "dev"
    (overlay / "kustomization.yaml").write_text(
        (overlay / "kustomization.yaml").read_text()
        + "configMapGenerator:\n  - name: settings\n    behavior: merge\n    literals: [MODE=slow]\n"
    )
    resources = load_path(overlay, repo=kustomize_repo)
    settings = next(r for r in resources if r.kind == "ConfigMap")
    secret = next(r for r in resources if r.kind == "Secret")
    assert settings.name.startswith("dev-settings-") and secret.name.startswith("dev-db-")  # hashed names
    locate = Locator().locate
    base_lines = (base / "kustomization.yaml").read_text().splitlines()
    line = base_lines.index("      - TOKEN=abc") + 1
    assert locate(settings, "/data/TOKEN") == ("base/kustomization.yaml", line, 9)
    assert locate(settings, "/data/app.properties") == ("base/kustomization.yaml", line + 2, 9)
    assert locate(settings, "/data/renamed.conf") == ("base/kustomization.yaml", line + 3, 9)
    overlay_lines = (overlay / "kustomization.yaml").read_text().splitlines()
    merged = next(i for i, text in enumerate(overlay_lines, start=1) if "MODE=slow" in text)
    assert locate(settings, "/data/MODE")[:2] == ("overlays/dev/kustomization.yaml", merged)  # the overlay wins
    assert locate(secret, "/data/PASSWORD") == ("base/db.env", 4, 1)
    assert locate(secret, "/data/USER") == ("base/db.env", 3, 3)
    name_line = base_lines.index("  - name: db") + 1
    assert locate(secret, "/metadata/labels") == ("base/kustomization.yaml", name_line, 11)


def test_kustomize_sources_are_found_through_the_kustomization_not_the_layout(tmp_path: Path) -> None:
    # no base/ directory: the overlay pulls in ../../apps/web; the repo root is elsewhere
    web = tmp_path / "apps" / "web"
    overlay = tmp_path / "envs" / "dev"
    web.mkdir(parents=True)
    overlay.mkdir(parents=True)
    (web / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  bogus: 1\n")
    (web / "kustomization.yaml").write_text("resources: [svc.yaml]\n")
    (overlay / "kustomization.yaml").write_text("resources: [../../apps/web]\n")
    other_repo = tmp_path / "elsewhere"
    other_repo.mkdir()
    resources = load_path(overlay, repo=other_repo)
    report = validate_resources(resources, kubernetes_version="1.33", only=frozenset({"unknown-field"}))
    [finding] = report.findings
    assert (finding.file, finding.line, finding.column) == ((web / "svc.yaml").as_posix(), 6, 3)
    resources = load_path(overlay, repo=tmp_path)
    [finding] = validate_resources(resources, kubernetes_version="1.33", only=frozenset({"unknown-field"})).findings
    assert (finding.file, finding.line) == ("apps/web/svc.yaml", 6)


def test_a_copy_that_no_kustomization_names_never_takes_the_findings(tmp_path: Path) -> None:
    """kube-state-metrics (2026-12-05): the root kustomization names examples/standard/*.yaml only, and every
    finding pointed at examples/autosharding/ or examples/daemonsetsharding/, unnamed copies of the same
    objects that sort first. Only the files the kustomizations name (resources, bases, crds, patches) are
    sources."""
    deployment = (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n"
        "  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n"
        "    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
    )
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
    (tmp_path / "a" / "d.yaml").write_text(deployment.format(replicas="two"))  # an alternative, never rendered
    (tmp_path / "b" / "d.yaml").write_text("# the one rendered\n" + deployment.format(replicas="two"))
    (tmp_path / "unnamed.yaml").write_text(deployment.format(replicas="three"))
    (tmp_path / "kustomization.yaml").write_text("resources: [b/d.yaml]\n")
    resources = load_path(tmp_path, repo=tmp_path)
    [finding] = validate_resources(resources, kubernetes_version="1.33", only=frozenset({"schema-invalid"})).findings
    assert (finding.file, finding.line, finding.column) == ("b/d.yaml", 7, 3)


def test_files_named_in_bases_are_sources(tmp_path: Path) -> None:
    """``bases`` may name files (kustomize api/types/kustomization.go: FixKustomization appends them to
    ``resources``; flagger's kustomize/linkerd does so), and a named file may sit in a subdirectory that is
    no kustomization."""
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  bogus: 1\n"
    )
    (tmp_path / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\nbogus: 1\n")
    (tmp_path / "kustomization.yaml").write_text("bases: [cm.yaml]\nresources: [svc/svc.yaml]\n")
    resources = load_path(tmp_path, repo=tmp_path)
    report = validate_resources(resources, kubernetes_version="1.33", only=frozenset({"unknown-field"}))
    where = sorted((f.file, f.line, f.column) for f in report.findings)
    assert where == [("cm.yaml", 5, 1), ("svc/svc.yaml", 6, 3)]


def test_an_env_entry_a_patch_adds_is_not_placed_on_another_entry(tmp_path: Path) -> None:
    """kustomize puts the env entries an inline strategic-merge patch adds first; the base's entry at the same
    index is another variable (microservices-demo's google-cloud-operations component). The position stays at
    the base's env list instead of naming the wrong entry; entries the base has keep their exact lines."""
    base = tmp_path / "base"
    base.mkdir()
    (base / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n"
        "  selector: {matchLabels: {app: app}}\n  template:\n    metadata: {labels: {app: app}}\n    spec:\n"
        "      containers:\n        - name: app\n          image: app:1\n          env:\n"
        '            - name: PORT\n              value: "5050"\n'
    )
    (base / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text(
        "resources: [../base]\npatches:\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n"
        "      metadata: {name: app}\n      spec:\n        template:\n          spec:\n            containers:\n"
        "              - name: app\n                env:\n                  - name: COLLECTOR_ADDR\n"
        "                    value: collector:4317\n"
    )
    [deployment] = load_path(overlay, repo=tmp_path)
    env = deployment.obj["spec"]["template"]["spec"]["containers"][0]["env"]
    added = next(i for i, e in enumerate(env) if e["name"] == "COLLECTOR_ADDR")
    kept = next(i for i, e in enumerate(env) if e["name"] == "PORT")
    locator = Locator()
    assert locator.locate(deployment, f"/spec/template/spec/containers/0/env/{kept}/value")[:2] == (
        "base/deploy.yaml",
        14,
    )
    assert locator.locate(deployment, f"/spec/template/spec/containers/0/env/{added}/value")[:2] == (
        "base/deploy.yaml",
        12,
    )


def _json_patch_repo(
    tmp_path: Path, patch: str, target: str = "{kind: Deployment, name: db-manager}", kustomization: str = ""
) -> Resource:
    base = tmp_path / "base"
    base.mkdir()
    (base / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: db-manager}\nspec:\n"
        "  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec:\n"
        "      containers:\n        - name: m\n          image: m:1\n          env:\n"
        "            - name: DB_USER\n              value: root\n"
    )
    (base / "kustomization.yaml").write_text("resources: [deploy.yaml]\n")
    overlay = tmp_path / "overlay"
    (overlay / "patches").mkdir(parents=True)
    (overlay / "patches" / "db.yaml").write_text(patch)
    (overlay / "kustomization.yaml").write_text(
        kustomization or f"resources: [../base]\npatches:\n  - path: patches/db.yaml\n    target: {target}\n"
    )
    [deployment] = load_path(overlay, repo=tmp_path)
    return deployment


def _env_index(deployment: Resource, name: str) -> int:
    env = deployment.obj["spec"]["template"]["spec"]["containers"][0]["env"]
    return next(i for i, e in enumerate(env) if e["name"] == name)


def test_a_field_a_json_patch_file_adds_points_at_the_patch(tmp_path: Path) -> None:
    """kubeflow katib: a JSON 6902 patch file of an overlay adds DB_PASSWORD; its finding was placed at the
    base's env list. It points at the op's value in the patch file; the base's own entry keeps its line."""
    patch = (
        "- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value:\n    name: DB_PASSWORD\n    value: katib\n"
    )
    deployment = _json_patch_repo(tmp_path, patch)
    locator = Locator()
    added = _env_index(deployment, "DB_PASSWORD")
    assert locator.locate(deployment, f"/spec/template/spec/containers/0/env/{added}/value") == (
        "overlay/patches/db.yaml",
        5,
        5,
    )
    kept = _env_index(deployment, "DB_USER")
    assert locator.locate(deployment, f"/spec/template/spec/containers/0/env/{kept}/value")[:2] == (
        "base/deploy.yaml",
        14,
    )


def test_a_list_a_json_patch_replaces_points_into_the_patch_by_item_name(tmp_path: Path) -> None:
    patch = (
        "---\n- op: replace\n  path: /spec/template/spec/containers/0/env\n  value:\n"
        "    - name: DB_NAME\n      value: postgres\n    - name: DB_PASSWORD\n      value: katib\n"
        "- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: m:2\n"
    )
    deployment = _json_patch_repo(tmp_path, patch)
    locator = Locator()
    password = _env_index(deployment, "DB_PASSWORD")
    assert locator.locate(deployment, f"/spec/template/spec/containers/0/env/{password}/value") == (
        "overlay/patches/db.yaml",
        8,
        7,
    )
    assert locator.locate(deployment, "/spec/template/spec/containers/0/image") == ("overlay/patches/db.yaml", 11, 10)
    # a field no op wrote stays in the base
    assert locator.locate(deployment, "/spec/selector")[:2] == ("base/deploy.yaml", 5)


def test_a_json_patch_for_another_target_or_an_unnamed_append_does_not_take_the_finding(tmp_path: Path) -> None:
    patch = (
        "- op: add\n  path: /spec/template/spec/containers/0/env/-\n  value:\n    name: DB_PASSWORD\n    value: katib\n"
    )
    deployment = _json_patch_repo(tmp_path, patch, target="{kind: StatefulSet, name: db-manager}")
    # the patch did not apply (another kind): nothing was added, and the base keeps the finding
    assert _env_index(deployment, "DB_USER") == 0
    assert Locator().locate(deployment, "/spec/template/spec/containers/0/env/0/value")[0] == "base/deploy.yaml"


def test_an_unnamed_item_a_json_patch_appends_stays_at_the_list_the_patch_made(tmp_path: Path) -> None:
    # which index the op's item landed at is not known without a name: the position is the list, which an op
    # of the patch made (the base has no tolerations at all)
    patch = (
        "- op: add\n  path: /spec/template/spec/tolerations\n  value: []\n"
        "- op: add\n  path: /spec/template/spec/tolerations/-\n  value: {key: gpu, operator: Exists}\n"
    )
    deployment = _json_patch_repo(tmp_path, patch)
    found = Locator().locate(deployment, "/spec/template/spec/tolerations/0/key")
    assert found[0] == "overlay/patches/db.yaml"  # the op that made the list holds the path
    assert found[1] == 3


def test_a_field_an_inline_json_patch_writes_points_into_the_kustomization(tmp_path: Path) -> None:
    """An inline JSON patch (``patch: |-`` in the kustomization, the usual form in microservices-demo's and
    kubeflow's components) maps line for line onto the kustomization file."""
    deployment = _json_patch_repo(
        tmp_path,
        "",
        kustomization="resources: [../base]\n"
        "patches:\n"
        "  - target: {kind: Deployment, name: db-manager}\n"
        "    patch: |-\n"
        "      - op: add\n"
        "        path: /spec/template/spec/containers/0/env/-\n"
        "        value:\n"
        "          name: DB_PASSWORD\n"
        "          value: katib\n",
    )
    added = _env_index(deployment, "DB_PASSWORD")
    assert Locator().locate(deployment, f"/spec/template/spec/containers/0/env/{added}/value") == (
        "overlay/kustomization.yaml",
        9,
        11,
    )


def test_an_object_a_json_patch_renames_is_found_in_its_source_document(tmp_path: Path) -> None:
    """grafana/grafana-operator deploy/kustomize/base renames its ClusterRole (``manager-role``) with an
    inline ``replace /metadata/name`` op, and its ``overlays/namespace_scoped`` makes it a Role with a
    ``replace /kind`` op; the rendered ``grafana-operator-permissions`` matched no source document, and its
    rbac findings fell back to the overlay's kustomization file with no line. The op's target selects the
    document by its kind and name before the patch, as kustomize does; a ClusterRole the op does not
    target is not taken."""
    base = tmp_path / "base"
    base.mkdir()
    (base / "role.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: manager-role\nrules:\n"
        "  - apiGroups: ['']\n    resources: ['*']\n    verbs: [get]\n"
    )
    (base / "other.yaml").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: reader\nrules:\n"
        "  - apiGroups: ['']\n    resources: ['*']\n    verbs: [list]\n"
    )
    (base / "kustomization.yaml").write_text(
        "resources: [role.yaml, other.yaml]\n"
        "patches:\n"
        "  - target: {kind: ClusterRole, name: manager-role}\n"
        "    patch: |\n"
        "      - op: replace\n"
        "        path: /metadata/name\n"
        "        value: operator-permissions\n"
    )
    overlay = tmp_path / "overlay"
    overlay.mkdir()
    (overlay / "kustomization.yaml").write_text("namePrefix: grafana-\nresources: [../base]\n")
    roles = {res.name: res for res in load_path(overlay, repo=tmp_path)}
    assert set(roles) == {"grafana-operator-permissions", "grafana-reader"}
    locator = Locator()
    assert locator.locate(roles["grafana-operator-permissions"], "/rules/0/resources") == ("base/role.yaml", 7, 5)
    assert locator.locate(roles["grafana-reader"], "/rules/0/resources") == ("base/other.yaml", 7, 5)
    # the name itself: the op's value, in the kustomization that renames it
    assert locator.locate(roles["grafana-operator-permissions"], "/metadata/name")[:2] == (
        "base/kustomization.yaml",
        7,
    )
    namespaced = tmp_path / "namespaced"
    namespaced.mkdir()
    (namespaced / "kustomization.yaml").write_text(
        "resources: [../overlay]\n"
        "patches:\n"
        "  - target: {kind: ClusterRole}\n"
        "    patch: |\n"
        "      - op: replace\n"
        "        path: /kind\n"
        "        value: Role\n"
    )
    role = next(res for res in load_path(namespaced, repo=tmp_path) if res.name == "grafana-operator-permissions")
    assert role.kind == "Role"
    assert Locator().locate(role, "/rules/0/resources") == ("base/role.yaml", 7, 5)
