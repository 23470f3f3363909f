"""A container mounts the container runtime socket, a host system directory, or a writable hostPath.

A ``hostPath`` volume exposes the node's filesystem to the pod. Three cases are reported, once per
container mount (a mount can be more than one):

- the container runtime socket (``docker.sock``, ``containerd.sock``, ``crio.sock``, ``cri-dockerd.sock``):
  whoever talks to it starts privileged containers on the node, i.e. controls the node;
- a host system directory (``/``, ``/boot``, ``/dev``, ``/etc``, ``/lib``, ``/proc``, ``/sys``, ``/usr``):
  host credentials, devices and kernel interfaces;
- a hostPath mounted without ``readOnly: true``: the pod writes to the node's disk, which outlives the pod
  and is shared with whatever else runs there.

Reported in every namespace (the Pod Security ``baseline`` level forbids every hostPath volume, but only
where a namespace opts in; see ``pod-security``). Node agents that need the host (log collectors,
node-exporter) are the usual exception: ignore them with a reason in ``.gitops-gen.yaml``.
Same checks: kube-linter ``docker-sock``, ``sensitive-host-mounts`` (stackrox/kube-linter
``pkg/builtinchecks/yamls/docker-sock.yaml``, ``host-mounts.yaml``: template ``pkg/templates/hostmounts/
template.go``, which matches the hostPath ``path`` against the directory list above and reports each
container mounting the volume) and ``writable-host-mount`` (``pkg/templates/writablehostmount/template.go``:
a volume mount of a hostPath volume without ``readOnly``). kube-linter matches ``docker.sock$`` only; the
other runtime sockets are the same risk.

PASS:

    apiVersion: apps/v1
    kind: DaemonSet
    metadata: {name: log-agent}
    spec:
      template:
        spec:
          containers:
            - name: agent
              image: fluent/fluent-bit:3.1
              volumeMounts: [{name: logs, mountPath: /var/log, readOnly: true}]
          volumes:
            - {name: logs, hostPath: {path: /var/log}}

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: ci-runner}
    spec:
      template:
        spec:
          containers:
            - name: runner
              image: gitlab/gitlab-runner:v17.4.0
              volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
          volumes:
            - {name: docker, hostPath: {path: /var/run/docker.sock}}
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import as_dict, as_list, containers_of, describe, template_of
from generator.validate.workloads import WORKLOAD_KINDS

ID = "host-path-mount"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = WORKLOAD_KINDS

# Container runtime sockets (kube-linter docker-sock.yaml: "docker.sock$"; the CRI runtimes' sockets alike).
_SOCKETS = ("docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock")
# kube-linter pkg/builtinchecks/yamls/host-mounts.yaml, params.dirs (anchored: the directory itself).
_SYSTEM_DIRS = frozenset({"/", "/boot", "/dev", "/etc", "/lib", "/proc", "/sys", "/usr"})


def _host_paths(spec: dict[str, Any]) -> dict[str, str]:
    """volume name -> hostPath path."""
    out: dict[str, str] = {}
    for vol in as_list(spec.get("volumes")):
        vol = as_dict(vol)
        path = as_dict(vol.get("hostPath")).get("path")
        if isinstance(vol.get("name"), str) and isinstance(path, str) and path:
            out[vol["name"]] = path
    return out


def _risks(path: str, read_only: bool) -> list[str]:
    norm = posixpath.normpath(path) if path.startswith("/") else path
    norm = "/" if norm == "//" else norm
    risks: list[str] = []
    if norm.endswith(_SOCKETS):
        risks.append("the container runtime socket: control of the node")
    elif norm in _SYSTEM_DIRS:
        risks.append("a host system directory")
    if not read_only:
        risks.append("writable (no readOnly: true)")
    return risks


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    tmpl = template_of(ctx, obj)
    if tmpl is None:
        return []
    host = _host_paths(tmpl.spec)
    if not host:
        return []
    out: list[Finding] = []
    for container in containers_of(ctx, obj):
        for i, mount in enumerate(as_list(container.obj.get("volumeMounts"))):
            mount = as_dict(mount)
            name = mount.get("name")
            path = host.get(name) if isinstance(name, str) else None
            if path is None:
                continue
            risks = _risks(path, mount.get("readOnly") is True)
            if risks:
                out.append(
                    Finding(
                        f'{describe(container, start=True)} mounts hostPath "{path}": {"; ".join(risks)}',
                        container.pointer("volumeMounts", i),
                    )
                )
    return out
