"""The Argo CD order simulation: phase, wave, gitops-engine kind order, name; Namespace/CRD bubbling."""

from __future__ import annotations

from typing import Any

from generator.models.argocd import syncorder
from generator.validate.model import Resource


def _obj(kind: str, name: str, *, api: str = "v1", ns: str | None = "ml") -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if ns:
        meta["namespace"] = ns
    return {"apiVersion": api, "kind": kind, "metadata": meta}


def _ann(obj: dict[str, Any], **values: str) -> dict[str, Any]:
    obj["metadata"].setdefault("annotations", {}).update(values)
    return obj


def _order(objects: list[dict[str, Any]]) -> list[str]:
    tasks = syncorder.plan(Resource(o, "<t>", i) for i, o in enumerate(objects))
    return [f"{t.phase}:{t.wave}:{t.kind}/{t.name}" for t in tasks]


def test_kind_order_within_a_wave_follows_gitops_engine_list() -> None:
    objects = [
        _obj("Ingress", "a", api="networking.k8s.io/v1"),
        _obj("Deployment", "a", api="apps/v1"),
        _obj("Service", "a"),
        _obj("ConfigMap", "a"),
        _obj("Secret", "a"),
        _obj("ServiceAccount", "a"),
        _obj("NetworkPolicy", "a", api="networking.k8s.io/v1"),
        _obj("StatefulSet", "a", api="apps/v1"),
        _obj("HorizontalPodAutoscaler", "a", api="autoscaling/v2"),
        _obj("Job", "a", api="batch/v1"),
        _obj("PersistentVolumeClaim", "a"),
        _obj("PodDisruptionBudget", "a", api="policy/v1"),
    ]
    kinds = [entry.split(":")[2].split("/")[0] for entry in _order(objects)]
    assert kinds == [
        "NetworkPolicy",
        "PodDisruptionBudget",
        "ServiceAccount",
        "Secret",
        "ConfigMap",
        "PersistentVolumeClaim",
        "Service",
        "Deployment",
        "HorizontalPodAutoscaler",
        "StatefulSet",
        "Job",
        "Ingress",
    ]


def test_unknown_kinds_go_last_in_their_wave_then_by_name() -> None:
    objects = [
        _obj("ServiceMonitor", "b", api="monitoring.coreos.com/v1"),
        _obj("ExternalSecret", "a", api="external-secrets.io/v1"),
        _obj("Ingress", "z", api="networking.k8s.io/v1"),
        _obj("APIService", "x", api="apiregistration.k8s.io/v1", ns=None),
    ]
    assert _order(objects) == [
        "Sync:0:Ingress/z",
        "Sync:0:APIService/x",
        "Sync:0:ExternalSecret/a",
        "Sync:0:ServiceMonitor/b",
    ]


def test_wave_beats_kind_and_phase_beats_wave() -> None:
    objects = [
        _ann(_obj("Deployment", "web", api="apps/v1"), **{syncorder.SYNC_WAVE: "-5"}),
        _ann(_obj("Secret", "s"), **{syncorder.SYNC_WAVE: "2"}),
        _ann(_obj("Job", "pre", api="batch/v1"), **{syncorder.HOOK: "PreSync", syncorder.SYNC_WAVE: "9"}),
        _ann(_obj("Job", "post", api="batch/v1"), **{syncorder.HOOK: "PostSync", syncorder.SYNC_WAVE: "-9"}),
        _ann(_obj("Job", "skip", api="batch/v1"), **{syncorder.HOOK: "Skip"}),
    ]
    assert _order(objects) == [
        "PreSync:9:Job/pre",
        "Sync:-5:Deployment/web",
        "Sync:2:Secret/s",
        "PostSync:-9:Job/post",
    ]


def test_hook_in_two_phases_runs_twice_and_is_marked() -> None:
    job = _ann(_obj("Job", "j", api="batch/v1"), **{syncorder.HOOK: "PreSync,PostSync"})
    job["metadata"]["annotations"][syncorder.HOOK_DELETE_POLICY] = "BeforeHookCreation"
    tasks = syncorder.plan([Resource(job, "<t>")])
    assert [(t.phase, t.hook, t.delete_policy) for t in tasks] == [
        ("PreSync", True, "BeforeHookCreation"),
        ("PostSync", True, "BeforeHookCreation"),
    ]


def test_malformed_wave_counts_as_zero() -> None:
    objects = [
        _ann(_obj("ConfigMap", "a"), **{syncorder.SYNC_WAVE: "soon"}),
        _ann(_obj("Secret", "b"), **{syncorder.SYNC_WAVE: "1"}),
    ]
    assert _order(objects) == ["Sync:0:ConfigMap/a", "Sync:1:Secret/b"]


def test_namespace_is_moved_before_its_first_resource_and_takes_its_wave() -> None:
    # As gitops-engine adjustDeps: a Namespace in a late wave is pulled in front of its first resident.
    objects = [
        _ann(_obj("Namespace", "ml", ns=None), **{syncorder.SYNC_WAVE: "5"}),
        _ann(_obj("ConfigMap", "c"), **{syncorder.SYNC_WAVE: "1"}),
        _obj("Secret", "s", ns="other"),
    ]
    assert _order(objects) == ["Sync:0:Secret/s", "Sync:1:Namespace/ml", "Sync:1:ConfigMap/c"]


def test_crd_is_moved_before_its_first_custom_resource() -> None:
    crd = _obj("CustomResourceDefinition", "widgets.example.com", api="apiextensions.k8s.io/v1", ns=None)
    crd["spec"] = {"group": "example.com", "names": {"kind": "Widget"}}
    _ann(crd, **{syncorder.SYNC_WAVE: "3"})
    widget = _obj("Widget", "w", api="example.com/v1")
    assert _order([crd, widget]) == ["Sync:0:CustomResourceDefinition/widgets.example.com", "Sync:0:Widget/w"]


def test_steps_group_by_phase_and_wave_in_order() -> None:
    objects = [
        _ann(_obj("ConfigMap", "a"), **{syncorder.SYNC_WAVE: "1"}),
        _ann(_obj("ConfigMap", "b"), **{syncorder.SYNC_WAVE: "1"}),
        _obj("Secret", "c"),
    ]
    tasks = syncorder.plan(Resource(o, "<t>", i) for i, o in enumerate(objects))
    grouped = [(phase, wave, [t.name for t in group]) for phase, wave, group in syncorder.steps(tasks)]
    assert grouped == [("Sync", 0, ["c"]), ("Sync", 1, ["a", "b"])]
    assert [t.step for t in tasks] == [0, 1, 1]


def test_host_candidates_skip_the_scan_only_where_it_finds_nothing() -> None:
    """``_host_candidates`` returns early for text without "@" and ":": on random text it gives what the
    regex scan gives (the scan as it was before the early return)."""
    import random

    from generator.models.argocd import ordering

    def scanned(text: str, bare: bool) -> list[str]:
        if bare and all(ordering._HOST.fullmatch(part.strip()) for part in text.split(",")):
            return [part.strip() for part in text.split(",")]
        out = []
        for m in ordering._HOST.finditer(text):
            before, after = text[max(0, m.start() - 3) : m.start()], text[m.end() : m.end() + 2]
            if before.endswith("://") or before.endswith("@") or (after[:1] == ":" and after[1:2].isdigit()):
                out.append(m.group(0))
        return out

    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choice("ab0-.:@/, 9") for _ in range(rng.randrange(0, 16)))
        bare = rng.random() < 0.5
        assert list(ordering._host_candidates(text, bare=bare)) == scanned(text, bare), (text, bare)
