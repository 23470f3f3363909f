"""The kustomization files behind rendered inputs, loaded as resources so that rules can point at them.

kustomize's output carries no trace of the kustomization files themselves, so rules about those files
(``kustomize-deprecated``) look at the sources: every kustomization file that a rendered directory pulls
in through ``resources``, ``components`` and ``bases`` (:func:`generator.validate.inputs.kustomize_dirs`),
read with positions like any plain file. kustomize's own defaults are filled in as it does
(``FixKustomization`` in kubernetes-sigs/kustomize api/types/kustomization.go: a missing ``kind`` is
``Kustomization``, a missing ``apiVersion`` is ``kustomize.config.k8s.io/v1beta1``, or ``v1alpha1`` for
a ``Component``), so the rules see ``kind`` whether or not the author wrote it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from generator.errors import InputError, UnreadableFile
from generator.kustomize.files import kustomization_file, kustomize_tree, read_kustomization
from generator.models.argocd.directory import YAML_SUFFIXES, ignores_unparsable_yaml, ignores_yaml, skips_file
from generator.models.test_assertions import assertion_reader
from generator.models.tool_configs import tool_reading
from generator.validate.inputs import display_path, kustomize_dirs, load_file
from generator.validate.load import DocSource, FailedItem, FileItem, file_text
from generator.validate.model import Resource
from generator.validate.walk import (
    HELM_CHART_SUFFIX,
    components_below,
    flux_components,
    helm_charts,
    inside_kustomize_dir,
    is_helm_chart,
    is_kustomization_dir,
    jsonnet_files,
    kustomize_dirs_below,
    nested_kustomize_dirs,
)

KUSTOMIZE_GROUP = "kustomize.config.k8s.io"
HELM_CHART_KIND = "HelmChart"  # what a chart stands for among the sources (no apiVersion: no API object)
UNREADABLE_KIND = "UnreadableInput"  # what an input that cannot be read stands for (no apiVersion either)
NOT_MANIFEST_KIND = "NotAManifest"  # what a YAML file Argo CD ignores stands for
JSONNET_KIND = "JsonnetFiles"  # what a directory's unevaluated .jsonnet files stand for
UNRENDERED_KUSTOMIZE_KIND = "UnrenderedKustomization"  # a kustomize directory or Component a walk leaves out
# the kinds of the source rules
SOURCE_KINDS = frozenset(
    {
        "Kustomization",
        "Component",
        HELM_CHART_KIND,
        UNREADABLE_KIND,
        NOT_MANIFEST_KIND,
        JSONNET_KIND,
        UNRENDERED_KUSTOMIZE_KIND,
    }
)
KUSTOMIZATION_VERSION = "kustomize.config.k8s.io/v1beta1"
COMPONENT_VERSION = "kustomize.config.k8s.io/v1alpha1"


def rendered_dirs(paths: Iterable[Path]) -> list[Path]:
    """The kustomize directories that validating ``paths`` renders (as ``load_path`` decides)."""
    out: list[Path] = []
    for path in paths:
        if is_kustomization_dir(path):
            out.append(path)
        elif path.is_dir():
            out.extend(kustomize_dirs_below(path))
    return out


def kustomization_sources(directories: Iterable[Path], *, repo: Path | None = None) -> list[Resource]:
    """Every kustomization file behind ``directories`` (each once), as resources with positions.

    A file that cannot be read as YAML is skipped: kustomize itself reports it when rendering.
    """
    seen: set[Path] = set()
    out: list[Resource] = []
    for directory in directories:
        for source_dir in kustomize_dirs(directory):
            kfile = kustomization_file(source_dir)
            if kfile is None or kfile in seen:
                continue
            seen.add(kfile)
            try:
                loaded = load_file(kfile, repo=repo)
            except InputError:
                continue
            for res in loaded:
                if not res.obj:
                    continue
                res.obj.setdefault("kind", "Kustomization")
                default_version = COMPONENT_VERSION if res.obj["kind"] == "Component" else KUSTOMIZATION_VERSION
                res.obj.setdefault("apiVersion", default_version)
                if not res.name and not isinstance(res.obj.get("metadata"), dict):
                    # findings name the object: call it after its directory, as `kustomize edit` shows it
                    res.obj["metadata"] = {"name": res.file.rpartition("/")[0] or "."}
                out.append(res)
    return out


def is_kustomization_source(res: Resource) -> bool:
    """A kustomization file (not, say, a Flux ``kustomize.toolkit.fluxcd.io`` Kustomization object)."""
    return res.kind in ("Kustomization", "Component") and res.group == KUSTOMIZE_GROUP


def helm_chart_sources(paths: Iterable[Path], *, repo: Path | None = None) -> list[Resource]:
    """Each Helm chart that validating ``paths`` does not read (``load.is_helm_chart``), as a source at
    line 1 of its ``Chart.yaml``, so that ``helm-chart-not-rendered`` can say so instead of the run
    failing on the first Go template that is not YAML."""
    out: list[Resource] = []
    for path in paths:
        charts = [path] if is_helm_chart(path) else helm_charts(path) if path.is_dir() else []
        for chart in charts:
            names = sorted(e.name for e in chart.iterdir() if e.name.endswith(HELM_CHART_SUFFIX) and e.is_file())
            chart_file = chart / (HELM_CHART_SUFFIX if HELM_CHART_SUFFIX in names else names[0])
            # the chart's fields are helm's business: the source stands for the chart, named by its path
            obj: dict[str, object] = {"kind": HELM_CHART_KIND, "metadata": {"name": display_path(chart, repo)}}
            try:
                first = load_file(chart_file, repo=repo)[:1]
            except InputError:  # helm reports a broken Chart.yaml; point at the file all the same
                first = []
            if first:
                first[0].obj = obj  # keeps the document's position: findings point at line 1, column 1
                out.append(first[0])
            else:
                out.append(Resource(obj, display_path(chart_file, repo), 0, 1))
    return out


def is_helm_chart_source(res: Resource) -> bool:
    """A chart stood in by :func:`helm_chart_sources` (not, say, a k3s ``helm.cattle.io`` HelmChart)."""
    return res.kind == HELM_CHART_KIND and not res.api_version and res.file.endswith(HELM_CHART_SUFFIX)


def _walked_dirs(paths: Iterable[Path]) -> list[Path]:
    """The directories among ``paths`` that a run walks (not rendered with kustomize, no Helm chart)."""
    return [p for p in paths if p.is_dir() and not is_kustomization_dir(p) and not is_helm_chart(p)]


def jsonnet_sources(paths: Iterable[Path], *, repo: Path | None = None) -> list[Resource]:
    """For each directory holding ``.jsonnet`` files that a walk of ``paths`` leaves unread (:func:`jsonnet_files`),
    one source at line 1 of its first such file, for ``jsonnet-not-rendered``: Argo CD's directory source
    evaluates them, gitops-gen does not."""
    by_dir: dict[Path, list[Path]] = {}
    for path in _walked_dirs(paths):
        for file in jsonnet_files(path):
            by_dir.setdefault(file.parent, []).append(file)
    out: list[Resource] = []
    for directory, files in by_dir.items():
        shown = display_path(directory, repo)
        count = f"{len(files)} .jsonnet files" if len(files) > 1 else "a .jsonnet file"
        names = ", ".join(f.name for f in files[:3]) + (", ..." if len(files) > 3 else "")
        first = display_path(files[0], repo)
        problem = (
            f"{count} in '{shown}' ({names}) not validated: Argo CD's directory source evaluates .jsonnet files "
            f"with jsonnet, which gitops-gen does not run. Validate what it renders: `jsonnet -y {first} | "
            "gitops-gen validate -`"
        )
        out.append(_standin(JSONNET_KIND, display_path(files[0], repo), 1, 1, problem))
    return out


def unrendered_kustomize_sources(
    paths: Iterable[Path], rendered: Iterable[Path], *, repo: Path | None = None
) -> list[Resource]:
    """The kustomize directories and Components below ``paths`` that none of the ``rendered`` directories
    pulls in, each as a source at line 1 of its kustomization file, for ``kustomize-not-rendered``: a
    Component below a walked directory (it is checked within the overlays that include it, and here none
    does) and a kustomize directory below another one that does not include it
    (:func:`generator.validate.walk.nested_kustomize_dirs`), also below a kustomize directory named in
    ``paths`` (:func:`generator.validate.walk.inside_kustomize_dir`)."""
    trees = [kustomize_tree(directory) for directory in rendered]
    pulled = {d for tree in trees for d in tree.dirs}
    named = {f for tree in trees for f in tree.files}
    out: list[Resource] = []
    for path in paths:
        if is_kustomization_dir(path):
            # named, it is rendered, not walked; the kustomize directories below it that it does not pull in
            # are said all the same (kubernetes/kube-state-metrics: the root renders examples/standard only)
            inside = inside_kustomize_dir(path)
            added_by = {}
            left = [(path.joinpath(*c), True) for c in inside.components]
            left += [(path.joinpath(*n), False) for n in inside.nested]
        elif _walked_dirs([path]):
            left = [(c, True) for c in components_below(path)] + [(n, False) for n in nested_kustomize_dirs(path)]
            added_by = flux_components(path)
        else:
            continue
        for directory, component in sorted(left):
            if directory.resolve() in pulled or _renders_nothing_more(directory, named, pulled):
                continue
            kfile = kustomization_file(directory)
            if kfile is None:
                continue
            shown = display_path(directory, repo)
            flux = added_by.get(str(directory.resolve())) if component else None
            if flux is not None:
                problem = (
                    f"kustomize Component '{shown}' is not validated: Flux Kustomization {flux} adds it to the "
                    "build of its spec.path (spec.components), which gitops-gen renders without it"
                )
            elif component:
                problem = (
                    f"kustomize Component '{shown}' is not validated: no kustomize directory of this run includes "
                    "it (`components:`), and a Component is applied only through one. Validate an overlay that "
                    "includes it"
                )
            else:
                outer = next((p for p in directory.parents if is_kustomization_dir(p)), directory.parent)
                problem = (
                    f"kustomize directory '{shown}' is not validated: it lies in kustomize directory "
                    f"'{display_path(outer, repo)}', which does not include it, so it is a build of its own "
                    "(often one of several alternatives, which one run would mix). Validate it on its own: "
                    f"`gitops-gen validate {shown}`"
                )
            out.append(_standin(UNRENDERED_KUSTOMIZE_KIND, display_path(kfile, repo), 1, 1, problem))
    return out


# The fields of a kustomization that lists resources and changes nothing (kubernetes-sigs/kustomize
# api/types/kustomization.go: TypeMeta and Resources).
_LIST_ONLY_FIELDS = frozenset({"apiVersion", "kind", "resources"})


def _renders_nothing_more(directory: Path, named: set[Path], pulled: set[Path]) -> bool:
    """Whether what ``directory`` renders is validated all the same, so it is no alternative build: it pulls
    in no directory and every file it names is one a rendered directory names (kube-state-metrics' root
    names examples/standard's files one by one), or its kustomization has only ``resources`` (no namespace,
    prefix, label, patch, image or generator that would make its render differ), each a file a rendered
    directory names or a directory one pulls in (minio/operator's resources/base, which lists crds/)."""
    own = kustomize_tree(directory)
    if own.files and own.files <= named and len(own.dirs) == 1:
        return True
    loaded = read_kustomization(directory)
    if loaded is None:
        return False
    entries = loaded[1].get("resources")
    if set(loaded[1]) - _LIST_ONLY_FIELDS or not isinstance(entries, list) or not entries:
        return False
    for entry in entries:
        target = (directory / entry).resolve() if isinstance(entry, str) else None
        if target is None or (target not in named and target not in pulled):
            return False
    return True


def is_standin(res: Resource, kind: str) -> bool:
    """``res`` is what stands for an input of ``kind`` (:func:`_standin`): no apiVersion, a problem to say."""
    return res.kind == kind and not res.api_version and isinstance(res.obj.get("problem"), str)


def is_jsonnet_source(res: Resource) -> bool:
    """A directory's .jsonnet files stood in by :func:`jsonnet_sources`."""
    return is_standin(res, JSONNET_KIND)


def is_unrendered_kustomize_source(res: Resource) -> bool:
    """A kustomize directory stood in by :func:`unrendered_kustomize_sources`."""
    return is_standin(res, UNRENDERED_KUSTOMIZE_KIND)


def unreadable_source(error: UnreadableFile) -> Resource:
    """An input found while walking a directory that cannot be read, as a source at the position of its
    error, so that ``unreadable-input`` reports it and the run goes on with the other inputs."""
    return _standin(UNREADABLE_KIND, error.file, error.line, error.column, error.problem)


def not_a_manifest_source(file: str, line: int, column: int, problem: str) -> Resource:
    """A YAML file found while walking that Argo CD ignores (:mod:`generator.models.argocd.directory`), as
    a source for ``not-a-manifest``."""
    return _standin(NOT_MANIFEST_KIND, file, line, column, problem)


def _standin(kind: str, file: str, line: int, column: int, problem: str) -> Resource:
    """What stands for an input no resource comes from: ``kind`` (no apiVersion), named after the file, with
    its ``problem``. The position is recorded the way duplicate keys' are (a pointer's exact line and column:
    ``DocSource.duplicate_marks``, which positions read first); without one it points at the file (line 0)."""
    obj: dict[str, object] = {"kind": kind, "metadata": {"name": file}, "problem": problem}
    if line <= 0:
        return Resource(obj, file, 0, 0)
    marks = {"": (line, max(column, 1))}
    return Resource(obj, file, 0, line, source=DocSource("", line - 1, -1, file, duplicate_marks=marks))


def is_unreadable_source(res: Resource) -> bool:
    """An input stood in by :func:`unreadable_source` (not an object someone named ``UnreadableInput``)."""
    return is_standin(res, UNREADABLE_KIND)


def is_not_a_manifest_source(res: Resource) -> bool:
    """A file stood in by :func:`not_a_manifest_source`."""
    return is_standin(res, NOT_MANIFEST_KIND)


def unloadable_standin(item: FileItem | FailedItem, error: UnreadableFile) -> Resource | None:
    """What stands for an input found while walking that cannot be loaded: ``unreadable-input``, or
    ``not-a-manifest`` for a YAML file Argo CD surely ignores or a file it leaves out unread (an ignored
    :class:`FailedItem`); None for a file it does not read at all."""
    if isinstance(item, FailedItem) and item.ignored:
        return not_a_manifest_source(error.file, error.line, error.column, error.problem)
    if isinstance(item, FileItem):
        text = file_text(item.resolved)
        if skips_file(text):
            return None
        if text and item.path.endswith(YAML_SUFFIXES) and ignores_unparsable_yaml(text):
            problem = f"{error.problem}, and no kind anywhere: Argo CD's directory source ignores such a file"
            return not_a_manifest_source(error.file, error.line, error.column, problem)
    return unreadable_source(error)


def ignored_yaml_standin(item: FileItem, loaded: Sequence[Resource], text: str) -> Resource | None:
    """``not-a-manifest`` for a YAML file found while walking that Argo CD's directory source ignores: its
    first document is no object with a kind (an item of a ``List`` counts as decoded: the List was), and its
    text lacks one of ``apiVersion:``, ``kind:``, ``metadata:`` (:mod:`generator.models.argocd.directory`)."""
    if not loaded or loaded[0].kind or not item.path.endswith(YAML_SUFFIXES):
        return None
    first = loaded[0]
    if (first.source is not None and first.source.base) or not ignores_yaml(text):
        return None
    problem = (
        "the first document has no kind, so this file holds no Kubernetes object for Argo CD, whose directory "
        "source ignores such a file (exclude it in .gitops-gen.yaml if it is no manifest)"
    )
    return not_a_manifest_source(first.file, first.line, 1, problem)


def assertion_standin(item: FileItem) -> Resource | None:
    """``not-a-manifest`` for a file found while walking that a test tool reads as assertions
    (:mod:`generator.models.test_assertions`: kuttl's and chainsaw's ``00-assert.yaml``...), not read."""
    reader = assertion_reader(item.resolved)
    if reader is None:
        return None
    problem = (
        f"{reader} reads this file as test assertions (objects to wait for in the cluster, often partial); "
        "nothing applies it (exclude it in .gitops-gen.yaml if something does)"
    )
    return not_a_manifest_source(item.display, 1, 1, problem)


def tool_config_standin(res: Resource) -> Resource | None:
    """``not-a-manifest`` for a document of a file found while walking that is a tool's own input, not an
    API object (:mod:`generator.models.tool_configs`: kind's cluster configuration, a chainsaw test...)."""
    reader = tool_reading(res.api_version, res.kind)
    if reader is None:
        return None
    problem = (
        f"{res.kind} {res.api_version} is read by {reader}; no API server serves it, so an Argo CD or Flux "
        "apply of this directory would fail on it (exclude the file in .gitops-gen.yaml if nothing applies it)"
    )
    return not_a_manifest_source(res.file, res.line, 1, problem)
