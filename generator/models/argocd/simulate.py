"""The first sync of an overlay on a fresh cluster, simulated with health.

How Argo CD runs it (gitops-engine ``pkg/sync/sync_context.go`` ``Sync``): tasks are grouped by (phase,
wave) (:mod:`.syncorder`); each step is applied, then, in a multi-step sync, every applied resource that has
a health check stays "running" until it is Healthy (OperationSucceeded) or Degraded (OperationFailed:
the whole operation fails); hooks run until they complete. Only then does the next step start. The final
step is the exception: "if it is the last phase/wave and the only remaining tasks are non-hooks, then we
are successful EVEN if those objects subsequently degraded", so a final step without hooks is not waited on.

For every resource this module lists what it *needs* to become Healthy under :mod:`.health` and who meets
each need: an earlier step (or, for objects created synchronously, the same step) or a declared
:class:`~.prereqs.Prerequisite`. A need nothing meets is a :class:`Hazard` (as are the ordering hazards of
:mod:`.ordering`): on a waited-on step it fails or hangs the sync; on the unwaited final step it leaves the
Application Degraded.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.models.argocd import health
from generator.models.argocd.ordering import Objects, analyse, pod_needs, secret_names_produced, service_needs
from generator.models.argocd.prereqs import SOLVER_LABEL, SOLVER_PORT, Prerequisite
from generator.models.argocd.syncorder import ASYNC_SECRET_PRODUCERS, Task, steps
from generator.models.k8s import K8sObject, containers, d, label_matches, lst, pod_template, ref

ISSUER_ANNOTATION = "cert-manager.io/cluster-issuer"
WAIT_CONTAINER = "wait-for-model"  # generator.platform.serving (models sit above platform: name only)
NO_PROGRESS_DEADLINE = 2147483647


@dataclass(frozen=True, slots=True)
class Need:
    what: str  # human text: "Secret mlflow-prod/postgres-credentials", "registered model models:/iris@champion"
    key: str  # the need key (object:<Kind>/<ns>/<name> or a prerequisite key)
    provider: str | None = None  # who meets it; None: unmet (a hazard)


@dataclass(frozen=True, slots=True)
class Hazard:
    resource: K8sObject
    message: str
    path: str = ""


@dataclass
class Item:
    task: Task
    waited: bool
    needs: list[Need] = field(default_factory=list)


@dataclass
class Step:
    phase: str
    wave: int
    waited: bool
    items: list[Item]


@dataclass
class Simulation:
    steps: list[Step]
    hazards: list[Hazard]
    prerequisites: list[Prerequisite]


def _serving_uri(res: K8sObject) -> str | None:
    """The ``--model-uri`` of an ``mlflow models serve`` container, if ``res`` runs one."""
    for c in containers(res, include_init=False):
        args = [str(a) for a in (*lst(c.obj.get("command")), *lst(c.obj.get("args")))]
        if "serve" in args and "--model-uri" in args and args.index("--model-uri") + 1 < len(args):
            return args[args.index("--model-uri") + 1]
    return None


def _ingress_allowed(
    policies: Sequence[K8sObject], namespace: str, labels: dict[str, str], src_ns: str, port: int
) -> bool:
    """Kubernetes NetworkPolicy ingress semantics for a pod (``labels`` in ``namespace``) receiving TCP
    ``port`` from any pod of namespace ``src_ns`` (namespaces carry kubernetes.io/metadata.name)."""
    selecting = []
    for pol in policies:
        spec = d(pol.obj.get("spec"))
        types = lst(spec.get("policyTypes")) or ["Ingress"]
        if pol.namespace == namespace and "Ingress" in types and label_matches(d(spec.get("podSelector")), labels):
            selecting.append(spec)
    if not selecting:
        return True
    ns_labels = {"kubernetes.io/metadata.name": src_ns}
    for spec in selecting:
        for rule in lst(spec.get("ingress")):
            rule = d(rule)
            ports = rule.get("ports")
            if ports is not None and not any(
                d(p).get("port") in (port, None) and d(p).get("protocol", "TCP") == "TCP" for p in lst(ports)
            ):
                continue
            peers = rule.get("from")
            if peers is None:
                return True
            for peer in lst(peers):
                peer = d(peer)
                if "ipBlock" in peer:
                    continue
                if "namespaceSelector" in peer:
                    if not label_matches(d(peer["namespaceSelector"]), ns_labels):
                        continue
                elif src_ns != namespace:
                    continue
                if "podSelector" in peer and not label_matches(d(peer["podSelector"]), {}):
                    continue  # the controller's labels are unknown: only a selector admitting any pod counts
                return True
    return False


class _Env:
    """What the simulation knows while it walks the steps."""

    def __init__(self, objects: Objects, prereqs: Sequence[Prerequisite]) -> None:
        self.objects = objects
        self.declared: dict[str, str] = {}
        for p in prereqs:
            for key in p.provides:
                self.declared.setdefault(key, f"prerequisite {p.id}")
        self.created: dict[str, tuple[int, bool, str]] = {}  # key -> (step, async, provider text)

    def prefixed(self, prefix: str) -> list[str]:
        return [k[len(prefix) :] for k in self.declared if k.startswith(prefix)]

    def meet(self, key: str, what: str, step: int, *, same_step_ok: bool = True) -> Need:
        made = self.created.get(key)
        if made is not None:
            at, is_async, who = made
            if at < step or (at == step and same_step_ok and not is_async):
                return Need(what, key, who)
            return Need(what, key, None)
        if key in self.declared:
            return Need(what, key, self.declared[key])
        return Need(what, key, None)


def _object_key(kind: str, namespace: str, name: str) -> str:
    return f"object:{kind}/{namespace}/{name}"


def _needs(res: K8sObject, task: Task, env: _Env, waited: bool) -> Iterator[tuple[Need, str]]:
    """(need, hazard text if unmet) for one resource."""
    step, hook = task.step, task.hook
    obj, kind = res.obj, res.kind
    if pod_template(res) is not None:
        for c in containers(res):
            image = c.obj.get("image")
            if isinstance(image, str):
                yield env.meet(f"image:{image}", f"image {image}", step), "image not pullable"
        seen: set[str] = set()
        for need in pod_needs(res):
            key = _object_key(need.kind, need.namespace, need.name)
            if key in seen:
                continue
            seen.add(key)
            met = env.meet(key, f"{need.kind} {need.namespace}/{need.name}", step, same_step_ok=not hook)
            yield met, f"pods cannot start: {need.kind} {need.name} does not exist before them"
        services = {(k.split("/")[1], k.split("/")[2]) for k in env.created if k.startswith("object:Service/")}
        for need in service_needs(res, services):
            key = _object_key("Service", need.namespace, need.name)
            what = f"Service {need.namespace}/{need.name} answering (readiness, start-up)"
            yield env.meet(key, what, step, same_step_ok=not hook), "probe never passes"
    if kind == "StatefulSet":
        for t in lst(d(obj.get("spec")).get("volumeClaimTemplates")):
            cls = d(d(t).get("spec")).get("storageClassName")
            cls = cls if isinstance(cls, str) else ""
            yield env.meet(f"storage-class:{cls}", f"StorageClass {cls or '(default)'}", step), "volume never binds"
    if kind == "PersistentVolumeClaim":
        cls = d(obj.get("spec")).get("storageClassName")
        cls = cls if isinstance(cls, str) else ""
        yield env.meet(f"storage-class:{cls}", f"StorageClass {cls or '(default)'}", step), "claim stays Pending"
    if kind == "ExternalSecret":
        spec = d(obj.get("spec"))
        store = d(spec.get("secretStoreRef"))
        skind, sname = str(store.get("kind", "SecretStore")), str(store.get("name", ""))
        yield env.meet(f"secret-store:{skind}/{sname}", f"{skind} {sname} Ready", step), "ExternalSecret Degraded"
        for item in lst(spec.get("data")):
            remote = d(d(item).get("remoteRef"))
            key, prop = str(remote.get("key", "")), str(remote.get("property", ""))
            yield (
                env.meet(f"remote-key:{skind}/{sname}:{key}#{prop}", f"remote key {key} property {prop}", step),
                "ExternalSecret Degraded (key or property missing in the store)",
            )
    if kind == "SealedSecret":
        yield env.meet("sealed-secrets-controller", "sealed-secrets controller", step), "never decrypted"
    if kind == "ServiceMonitor":
        labels = ",".join(f"{k}={v}" for k, v in sorted(res.labels.items()))
        selects = [
            s for s in env.prefixed("prometheus-selects:") if set(filter(None, s.split(","))) <= set(labels.split(","))
        ]
        provider = env.declared.get(f"prometheus-selects:{selects[0]}") if selects else None
        yield Need("a Prometheus selecting these labels", "prometheus-selects", provider), "never scraped"
    if kind == "HorizontalPodAutoscaler":
        yield env.meet("metrics-api", "metrics API (metrics-server)", step), "HPA Degraded (FailedGetResourceMetric)"
        if waited:
            yield (
                Need("pod metrics while the step is waited on", "pod-metrics", None),
                "in a waited-on step: fresh pods have no metrics yet, so the HPA reports "
                "ScalingActive/FailedGetResourceMetric, which Argo CD maps to Degraded (gitops-engine "
                "pkg/health/health_hpa.go) and the sync fails; put it in the last wave, without hooks",
            )
    if kind == "Ingress":
        cls = d(obj.get("spec")).get("ingressClassName")
        if isinstance(cls, str):
            yield (
                env.meet(f"ingress-class:{cls}", f"ingress controller for class {cls}", step),
                "Ingress stays Progressing",
            )
        issuer = res.annotations.get(ISSUER_ANNOTATION)
        if issuer:
            yield env.meet(f"cluster-issuer:{issuer}", f"ClusterIssuer {issuer}", step), "certificate never issued"
            if f"acme-solver:{issuer}:http01" in env.declared:
                yield _solver_need(res, env), "certificate never issued"
    uri = _serving_uri(res)
    if uri is not None:
        yield _model_need(res, uri, waited), "serving never becomes Ready"


def _solver_need(res: K8sObject, env: _Env) -> Need:
    what = f"HTTP-01 solver pods reachable on {SOLVER_PORT}"
    namespaces = env.prefixed("ingress-controller-namespace:")
    policies = env.objects.by_kind("NetworkPolicy")
    for ns in namespaces:
        if _ingress_allowed(policies, res.namespace, {SOLVER_LABEL: "true"}, ns, SOLVER_PORT):
            return Need(f"{what} from namespace {ns}", "acme-solver-reachable", "the NetworkPolicies of the namespace")
    return Need(f"{what} from the ingress controller's namespace", "acme-solver-reachable", None)


def _model_need(res: K8sObject, uri: str, waited: bool) -> Need:
    """A serving pod needs a registered version of its model; nothing in the repository registers one, so
    the need is met only by keeping it out of every waited-on step *and* out of Degraded: an init container
    waits for the version and the Deployment has no progress deadline."""
    what = f"registered model version {uri}"
    tmpl = pod_template(res)
    waits = tmpl is not None and any(d(c).get("name") == WAIT_CONTAINER for c in lst(tmpl.spec.get("initContainers")))
    no_deadline = d(res.obj.get("spec")).get("progressDeadlineSeconds") == NO_PROGRESS_DEADLINE
    if not waited and waits and no_deadline:
        return Need(what, "model-version", "deferred: last wave (not waited on), init container waits, no deadline")
    return Need(what, "model-version", None)


def simulate(
    resources: Sequence[K8sObject],
    prereqs: Sequence[Prerequisite],
    *,
    shared_keys: Mapping[str, str] | None = None,
) -> Simulation:
    """Simulate the first sync of ``resources`` given ``prereqs``. ``shared_keys``: remote keys (``<key>``)
    that another environment also reads -> that environment's name (each is a hazard)."""
    objects = Objects(resources)
    order = analyse(objects)
    env = _Env(objects, prereqs)
    grouped = steps(order.tasks)
    hazards = [Hazard(res, h.message, h.path) for res, h in order.hazards]
    # objects the overlay creates: a need of one applied too late is an ordering hazard (reported above)
    in_set = {_object_key(t.resource.kind, t.resource.namespace, t.resource.name) for t in order.tasks}
    in_set |= {
        _object_key("Secret", t.resource.namespace, n)
        for t in order.tasks
        if t.resource.kind in ASYNC_SECRET_PRODUCERS
        for n in secret_names_produced(t.resource)
    }
    out: list[Step] = []
    for index, (phase, wave, tasks) in enumerate(grouped):
        last = index == len(grouped) - 1
        waited = not last or any(t.hook for t in tasks)
        # everything of this step exists once it is applied (async producers: only after reconciling)
        for task in tasks:
            res = task.resource
            who = f"{ref(res)} ({phase} wave {wave})"
            env.created.setdefault(_object_key(res.kind, res.namespace, res.name), (task.step, False, who))
            if res.kind in ASYNC_SECRET_PRODUCERS:
                for name in secret_names_produced(res):
                    env.created.setdefault(_object_key("Secret", res.namespace, name), (task.step, True, who))
        items: list[Item] = []
        for task in tasks:
            res = task.resource
            has_health = task.hook or health.rule_for(res.group, res.kind) is not None
            item = Item(task, waited and has_health)
            seen: set[tuple[str, str]] = set()
            for need, problem in _needs(res, task, env, item.waited):
                if (need.key, need.what) in seen:
                    continue
                seen.add((need.key, need.what))
                item.needs.append(need)
                if need.provider is None and need.key not in in_set:
                    hazards.append(Hazard(res, f"needs {need.what}: nothing provides it; {problem}"))
            items.append(item)
        out.append(Step(phase, wave, waited, items))
    for res in objects.by_kind("ExternalSecret"):
        for entry in lst(d(res.obj.get("spec")).get("data")):
            key = str(d(d(entry).get("remoteRef")).get("key", ""))
            if shared_keys and key in shared_keys:
                hazards.append(
                    Hazard(
                        res,
                        f"remote key {key} is also read by environment {shared_keys[key]}: the environments share "
                        "credentials; give each its own secrets.keyPrefix",
                    )
                )
    return Simulation(out, hazards, list(prereqs))


INFERRED = "inferred"
_NOT_DECLARABLE = ("object:", "model-version", "pod-metrics", "acme-solver-reachable", "prometheus-selects")


def inferred(resources: Sequence[K8sObject]) -> list[Prerequisite]:
    """Without the environment file: declare exactly what the overlay needs from the cluster (images,
    classes, stores, keys, ...), so only the overlay's own hazards remain."""
    sim = simulate(resources, [])
    keys = {n.key for s in sim.steps for i in s.items for n in i.needs if n.provider is None}
    keys = {k for k in keys if not k.startswith(_NOT_DECLARABLE)}
    for res in resources:
        if res.kind == "ServiceMonitor":
            keys.add("prometheus-selects:" + ",".join(f"{k}={v}" for k, v in sorted(res.labels.items())))
    if any(k.startswith("cluster-issuer:") for k in keys):
        keys.add("ingress-controller-namespace:ingress-nginx")
    return [
        Prerequisite(
            INFERRED,
            "Inferred from the overlay (no environments/<env>.yaml): everything it references outside itself",
            tuple(sorted(keys)),
            frozenset(keys),
        )
    ]


def to_dict(sim: Simulation) -> dict[str, Any]:
    """The JSON shape of ``gitops-gen plan --format json`` (steps, hazards, prerequisites)."""
    steps_out = []
    for step in sim.steps:
        items = []
        for item in step.items:
            res, task = item.task.resource, item.task
            entry: dict[str, Any] = {
                "order": task.position + 1,
                "apiVersion": res.api_version,
                "kind": res.kind,
                "namespace": res.namespace,
                "name": res.name,
                "hook": task.hook,
                "waitedOn": item.waited,
                "needs": [{"need": n.what, "providedBy": n.provider} for n in item.needs],
            }
            if task.hook:
                entry["deletePolicy"] = task.delete_policy
            items.append(entry)
        steps_out.append({"phase": step.phase, "wave": step.wave, "waitedOn": step.waited, "resources": items})
    hazards = [
        {
            "resource": {
                "apiVersion": h.resource.api_version,
                "kind": h.resource.kind,
                "namespace": h.resource.namespace,
                "name": h.resource.name,
            },
            "path": h.path,
            "message": h.message,
        }
        for h in sim.hazards
    ]
    return {"steps": steps_out, "hazards": hazards, "prerequisites": [p.to_dict() for p in sim.prerequisites]}
