"""Helpers shared by the per-object policy rules (workloads, secrets, exposure, availability).

Everything here is cheap per call; indexes over the whole set (HPAs, PDB coverage) are built once per
:class:`~generator.validate.context.Context` through :func:`generator.validate.crossref.memo`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from generator.validate.context import Context
from generator.validate.crossref import memo
from generator.validate.model import Resource, pointer
from generator.validate.workloads import Container, PodTemplate, containers, pod_template

# Workloads whose pods are expected to run forever (probes, availability); Jobs and CronJobs finish.
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet"})
# Workloads with a replica count (availability rules).
REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet"})


def as_dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def sops_encrypted(res: Resource) -> bool:
    """A v1 Secret that SOPS encrypted: Flux's kustomize-controller decrypts it before applying, and what it
    applies has no ``sops`` field (fluxcd/kustomize-controller, the decryptor's ``IsEncryptedSecret``: kind
    Secret, apiVersion v1, a top-level ``sops`` field; KSOPS reads the same files)."""
    return res.kind == "Secret" and res.api_version == "v1" and isinstance(res.obj.get("sops"), dict)


def sops_ciphertext(value: Any) -> bool:
    """A value SOPS encrypted: ``ENC[AES256_GCM,data:...,type:str]``."""
    return isinstance(value, str) and value.startswith("ENC[") and value.endswith("]")


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def describe(container: Container, *, start: bool = False) -> str:
    """How messages name a container: ``container "app"`` or ``init container "migrate"``
    (capitalised when it ``start``s the sentence)."""
    kind = "init container" if container.init else "container"
    if start:
        kind = kind[0].upper() + kind[1:]
    return f'{kind} "{container.name}"'


def nearest(root: dict[str, Any], base: tuple[str | int, ...], *parts: str) -> str:
    """JSON pointer of ``base + parts`` under ``root`` (the object at ``base``), cut back to the deepest
    part that exists: the exact field when set, else its nearest existing parent."""
    node: Any = root
    found: list[str | int] = list(base)
    for part in parts:
        if not isinstance(node, dict) or part not in node:
            break
        node = node[part]
        found.append(part)
    return pointer(*found)


_NO_TEMPLATE: tuple[PodTemplate | None, tuple[Container, ...]] = (None, ())

# Per-resource caches (this one, rules._pss) serve the rules of one resource, which run one after the other;
# they are emptied at this size instead of growing with the set (phase 2 of the CLI pipeline keeps one
# context over every resource: unbounded, they held ~700 bytes per workload until the end of the run).
PER_RESOURCE_CACHE = 256


def _walked(ctx: Context, res: Resource) -> tuple[PodTemplate | None, tuple[Container, ...]]:
    """(pod template, all containers incl. init) of ``res``, computed once per resource and context:
    a dozen rules walk every workload, and building the template is most of their cost."""
    store: dict[int, tuple[Resource, PodTemplate | None, tuple[Container, ...]]] = memo(
        ctx, "rules._helpers.walked", dict
    )
    entry = store.get(id(res))
    if entry is None or entry[0] is not res:
        tmpl = pod_template(res)
        entry = (res, tmpl, tuple(containers(res)) if tmpl is not None else ())
        if len(store) >= PER_RESOURCE_CACHE:
            store.clear()
        store[id(res)] = entry
    return entry[1], entry[2]


def template_of(ctx: Context, res: Resource) -> PodTemplate | None:
    """:func:`generator.validate.workloads.pod_template`, cached per context."""
    return _walked(ctx, res)[0]


def containers_of(ctx: Context, res: Resource, *, include_init: bool = True) -> tuple[Container, ...]:
    """:func:`generator.validate.workloads.containers` (init containers first), cached per context."""
    found = _walked(ctx, res)[1]
    return found if include_init else tuple(c for c in found if not c.init)


def windows_pod(ctx: Context, res: Resource) -> bool:
    """Whether the workload's pods declare ``spec.os.name: windows``: the API server then forbids the Linux-only
    security-context fields (kubernetes pkg/apis/core/validation/validation.go ``validateWindows``:
    allowPrivilegeEscalation, readOnlyRootFilesystem, ... "cannot be set for a windows pod"), and Pod
    Security exempts such pods from requiring them (generator/models/pod_security/restricted.py). A
    ``kubernetes.io/os`` node selector alone does not: Pod Security still requires them there."""
    tmpl = template_of(ctx, res)
    return tmpl is not None and as_dict(tmpl.spec.get("os")).get("name") == "windows"


def host_network(ctx: Context, res: Resource) -> bool:
    """Whether the workload's pods run in the node's network namespace (``hostNetwork: true``). NetworkPolicy
    behaviour for such pods is undefined, and the most common implementation ignores them when matching
    ``podSelector`` and ``namespaceSelector``: their traffic is treated as the node's (kubernetes/website
    content/en/docs/concepts/services-networking/network-policies.md, "NetworkPolicy and hostNetwork pods").
    So no flow to or from them is reported as blocked, and no policy is asked to isolate them."""
    tmpl = template_of(ctx, res)
    return tmpl is not None and tmpl.spec.get("hostNetwork") is True


def security_context(container: Container) -> dict[str, Any]:
    return as_dict(container.obj.get("securityContext"))


def pod_security_context(tmpl: PodTemplate) -> dict[str, Any]:
    return as_dict(tmpl.spec.get("securityContext"))


def declared_replicas(res: Resource) -> int | None:
    """spec.replicas of a Deployment/StatefulSet (1 when omitted, as the API server defaults it);
    None when the value is not an integer (the schema rules report that)."""
    spec = as_dict(res.obj.get("spec"))
    if "replicas" not in spec:
        return 1
    value = spec["replicas"]
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value


def _hpa_min_index(ctx: Context) -> dict[tuple[str, str, str], int]:
    """(namespace, target kind, target name) -> the highest minReplicas of the HPAs scaling it."""

    def build() -> dict[tuple[str, str, str], int]:
        out: dict[tuple[str, str, str], int] = defaultdict(int)
        for hpa in ctx.by_kind("HorizontalPodAutoscaler"):
            spec = as_dict(hpa.obj.get("spec"))
            target = as_dict(spec.get("scaleTargetRef"))
            kind, name = target.get("kind"), target.get("name")
            if not isinstance(kind, str) or not isinstance(name, str):
                continue
            low = spec.get("minReplicas", 1)  # the API server defaults minReplicas to 1
            if isinstance(low, bool) or not isinstance(low, int):
                continue
            key = (hpa.namespace, kind, name)
            out[key] = max(out[key], low)
        return dict(out)

    return memo(ctx, "rules._helpers.hpa_min", build)


def hpa_min_replicas(ctx: Context, res: Resource) -> int | None:
    """The minReplicas an HPA keeps ``res`` at (the highest if several target it), None without HPA."""
    return _hpa_min_index(ctx).get((res.namespace, res.kind, res.name))


def minimum_replicas(ctx: Context, res: Resource) -> int | None:
    """The replica count a workload never goes below: the HPA's minReplicas when an HPA scales it
    (the HPA overrides spec.replicas), else spec.replicas (1 when omitted); None when malformed."""
    low = hpa_min_replicas(ctx, res)
    return low if low is not None else declared_replicas(res)
