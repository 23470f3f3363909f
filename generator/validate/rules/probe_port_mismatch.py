"""A TCP or HTTP probe names a container port that is declared UDP or SCTP only.

The API server only checks that a probe's ``port`` is a valid IANA service name. The kubelet resolves the
name against the container's own ``ports`` (kubernetes/kubernetes ``pkg/kubelet/prober/prober.go``,
``findPortByName``: the first port of that name, whatever its protocol), so a ``tcpSocket`` or ``httpGet``
probe sent to a port declared ``UDP`` never connects (a DNS server's ``dns`` port is the classic case). A
failing liveness probe restarts the container forever; a failing readiness probe keeps it out of every
Service. A name the container doesn't declare at all is reported by ``port-mismatch``; kube-linter
``liveness-port``, ``readiness-port`` and ``startup-port`` check that the name exists, not its protocol.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: dns}
    spec:
      selector: {matchLabels: {app: dns}}
      template:
        metadata: {labels: {app: dns}}
        spec:
          containers:
            - name: dns
              image: coredns/coredns:1.11.3
              ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: health, containerPort: 8080}]
              livenessProbe: {httpGet: {path: /health, port: health}}

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: dns}
    spec:
      selector: {matchLabels: {app: dns}}
      template:
        metadata: {labels: {app: dns}}
        spec:
          containers:
            - name: dns
              image: coredns/coredns:1.11.3
              ports: [{name: dns, containerPort: 53, protocol: UDP}]
              livenessProbe: {tcpSocket: {port: dns}}     # UDP only: a TCP probe never succeeds
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._apiserver import violations
from generator.validate.workloads import WORKLOAD_KINDS

ID = "probe-port-mismatch"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return [
        Finding(f"{v.message} [{v.upstream}]", pointer(*v.path)) for v in violations(ctx, obj) if v.outcome == "runtime"
    ]
