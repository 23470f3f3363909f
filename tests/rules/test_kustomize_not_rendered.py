"""kustomize-not-rendered: a walked Component that no rendered directory includes, and a kustomize directory
below another one that does not include it, are reported instead of being left out in silence (real
kustomize, through the validate command)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from generator.commands import validate as validate_cmd
from generator.validate.inputs import input_items, load_path

CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: {name}}}\ndata: {{a: b}}\n"
COMPONENT = """\
apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
patches:
  - target: {kind: ConfigMap}
    patch: |-
      - op: add
        path: /data/c
        value: d
"""


def _validate(tmp_path: Path, *paths: str) -> tuple[int, str]:
    out = io.StringIO()
    code = validate_cmd.run(list(paths), out=out, repo=tmp_path, fmt="text", jobs=1)
    return code, out.getvalue()


def _kustomization(directory: Path, text: str, **files: str) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "kustomization.yaml").write_text(text)
    for name, content in files.items():
        (directory / name).write_text(content)


def test_fires_for_a_directory_of_components_that_nothing_includes(tmp_path: Path) -> None:
    _kustomization(tmp_path / "components" / "tls", COMPONENT)
    _kustomization(tmp_path / "components" / "ha", COMPONENT)
    code, text = _validate(tmp_path, str(tmp_path / "components"))
    assert code == 0, text
    assert (
        "components/ha/kustomization.yaml:1:1: warning [kustomize-not-rendered] kustomize Component "
        "'components/ha' is not validated: no kustomize directory of this run includes it" in text
    )
    assert "components/tls/kustomization.yaml:1:1: warning [kustomize-not-rendered]" in text
    assert "0 resources: 0 errors, 2 warnings" in text


def test_fires_for_a_kustomize_directory_below_one_that_does_not_include_it(tmp_path: Path) -> None:
    # microservices-demo: kustomize/ renders base/, and kustomize/tests/* are alternatives of their own
    _kustomization(tmp_path / "kustomize", "resources: [base]\n")
    _kustomization(tmp_path / "kustomize" / "base", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="app")})
    _kustomization(tmp_path / "kustomize" / "tests" / "variant", "resources: [../../base]\ncomponents: [../../c]\n")
    _kustomization(tmp_path / "kustomize" / "c", COMPONENT)
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    assert (
        "kustomize/tests/variant/kustomization.yaml:1:1: warning [kustomize-not-rendered] kustomize directory "
        "'kustomize/tests/variant' is not validated: it lies in kustomize directory 'kustomize', which does "
        "not include it" in text
    ), text
    assert "`gitops-gen validate kustomize/tests/variant`" in text
    # the Component is included only by the variant, which this run does not render
    assert "kustomize Component 'kustomize/c' is not validated" in text
    assert "kustomize/base" not in text.replace("kustomize/base/cm.yaml", "")  # pulled in by kustomize/: rendered
    assert "1 resource: 0 errors, 2 warnings" in text


def test_passes_for_components_and_nested_directories_that_a_rendered_overlay_includes(tmp_path: Path) -> None:
    _kustomization(tmp_path / "base", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="app")})
    _kustomization(tmp_path / "components" / "tls", COMPONENT)
    _kustomization(
        tmp_path / "overlays" / "prod", "resources: [../../base, extra]\ncomponents: [../../components/tls]\n"
    )
    _kustomization(
        tmp_path / "overlays" / "prod" / "extra", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="more")}
    )
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    assert "kustomize-not-rendered" not in text, text
    assert "2 resources" in text


def test_passes_for_a_directory_named_on_the_command_line(tmp_path: Path) -> None:
    # kustomize builds a Component on its own; named, it is rendered like any kustomize directory
    _kustomization(
        tmp_path / "c",
        COMPONENT.replace("patches:", "resources: [cm.yaml]\npatches:"),
        **{"cm.yaml": CM.format(name="x")},
    )
    code, text = _validate(tmp_path, str(tmp_path / "c"))
    assert code == 0, text
    assert "kustomize-not-rendered" not in text
    assert "1 resource" in text


def test_fires_below_a_kustomize_directory_named_on_the_command_line(tmp_path: Path) -> None:
    # kubernetes/kube-state-metrics: the root's kustomization names the files of examples/standard one by one,
    # and examples/autosharding is a build of its own that nothing renders
    _kustomization(tmp_path / "examples" / "standard", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="std")})
    _kustomization(
        tmp_path / "examples" / "autosharding", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="shard")}
    )
    (tmp_path / "kustomization.yaml").write_text("resources: [examples/standard/cm.yaml]\n")
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    assert (
        "examples/autosharding/kustomization.yaml:1:1: warning [kustomize-not-rendered] kustomize directory "
        "'examples/autosharding' is not validated" in text
    ), text
    # its files are rendered through the root's entries: not reported
    assert "'examples/standard'" not in text
    assert "1 resource: 0 errors, 1 warning" in text


@pytest.mark.parametrize(
    ("nested", "reported"),
    [
        # minio/operator resources/: the root names base/*.yaml one by one and base/crds/ as a directory, and
        # base/kustomization.yaml lists only crds/: base renders nothing the root does not
        ("resources: [crds/]\n", False),
        ("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [crds/, sa.yaml]\n", False),
        # a file of its own that nothing renders: a build of its own
        ("resources: [crds/, own.yaml]\n", True),
        # what it changes makes it an alternative build (minio/operator's sts-example/tenant: namespace; its
        # sample-clients: images and patches of ../../../sts-app)
        ("namespace: other\nresources: [crds/]\n", True),
        ("resources: [crds/]\nimages: [{name: x, newTag: '2'}]\n", True),
        ("resources: [crds/]\nnamePrefix: x-\n", True),
    ],
)
def test_passes_a_nested_directory_that_lists_only_what_is_rendered(
    tmp_path: Path, nested: str, reported: bool
) -> None:
    _kustomization(tmp_path / "base" / "crds", "resources: [crd.yaml]\n", **{"crd.yaml": CM.format(name="crd")})
    _kustomization(tmp_path / "base", nested, **{"sa.yaml": CM.format(name="sa"), "own.yaml": CM.format(name="own")})
    (tmp_path / "kustomization.yaml").write_text("resources: [base/sa.yaml, base/crds/]\n")
    code, text = _validate(tmp_path, str(tmp_path))
    assert code == 0, text
    warning = "base/kustomization.yaml:1:1: warning [kustomize-not-rendered] kustomize directory 'base'"
    assert (warning in text) == reported, text
    assert f"2 resources: 0 errors, {int(reported)} warning" in text, text


FLUX_KS = """\
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {{name: {name}, namespace: flux-system}}
spec:
  path: ./kubernetes/apps/media/{name}/app
  targetNamespace: media
  interval: 1h
  prune: true
  sourceRef: {{kind: GitRepository, name: home-ops}}
"""


@pytest.mark.parametrize("git", [True, False])
def test_passes_a_directory_a_flux_kustomization_of_the_walk_applies_which_is_rendered(
    tmp_path: Path, git: bool
) -> None:
    """onedr0p's cluster template and bjw-s/home-ops: each namespace directory's kustomization lists the
    apps' ks.yaml, whose spec.path is <app>/app below it; 100 such apps of bjw-s/home-ops were reported as
    not rendered (and before 2026-12-05 left out in silence). They are rendered, in the target namespace."""
    if git:
        (tmp_path / ".git").mkdir()  # the source's root: spec.path is relative to it
    media = tmp_path / "kubernetes" / "apps" / "media"
    _kustomization(media, "resources: [./jellyfin/ks.yaml]\n")
    (media / "jellyfin").mkdir()
    (media / "jellyfin" / "ks.yaml").write_text(FLUX_KS.format(name="jellyfin"))
    _kustomization(media / "jellyfin" / "app", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="jellyfin")})
    _kustomization(media / "other" / "app", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="other")})
    out = io.StringIO()
    code = validate_cmd.run([str(tmp_path / "kubernetes")], out=out, repo=tmp_path, fmt="json", jobs=1)
    report = json.loads(out.getvalue())
    assert code == 0, report
    found = [(f["rule"], f["file"]) for f in report["findings"]]
    assert found == [("kustomize-not-rendered", "kubernetes/apps/media/other/app/kustomization.yaml")]
    assert report["summary"]["resources"] == 2  # the Flux Kustomization and jellyfin's ConfigMap
    assert [r.namespace for r in load_path(media / "jellyfin" / "app", repo=tmp_path)] == [""]  # named: none
    walked = [r for item in input_items([str(tmp_path / "kubernetes")], repo=tmp_path) for r in item.load()]
    assert {(r.kind, r.namespace) for r in walked} == {("Kustomization", "flux-system"), ("ConfigMap", "media")}


def test_fires_naming_the_flux_kustomization_that_adds_a_component(tmp_path: Path) -> None:
    """onedr0p/home-ops: apps add shared Components through the Flux Kustomization's spec.components
    (relative to spec.path); kustomize renders the app without them, and the warning says who adds them."""
    (tmp_path / ".git").mkdir()
    media = tmp_path / "kubernetes" / "apps" / "media"
    _kustomization(media, "resources: [./jellyfin/ks.yaml]\n")
    (media / "jellyfin").mkdir()
    ks = FLUX_KS.format(name="jellyfin") + "  components: [../../../../components/volsync]\n"
    (media / "jellyfin" / "ks.yaml").write_text(ks)
    _kustomization(media / "jellyfin" / "app", "resources: [cm.yaml]\n", **{"cm.yaml": CM.format(name="jellyfin")})
    _kustomization(tmp_path / "kubernetes" / "components" / "volsync", COMPONENT)
    code, text = _validate(tmp_path, str(tmp_path / "kubernetes"))
    assert code == 0, text
    assert (
        "kubernetes/components/volsync/kustomization.yaml:1:1: warning [kustomize-not-rendered] kustomize "
        "Component 'kubernetes/components/volsync' is not validated: Flux Kustomization jellyfin adds it" in text
    ), text
