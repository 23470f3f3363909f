"""``.jsonnet`` files were found and left unvalidated: validate what jsonnet renders from them.

Argo CD's directory source evaluates every ``.jsonnet`` file of the directory with go-jsonnet and applies
the objects it returns (argoproj/argo-cd reposerver/repository/repository.go, ``findManifests``: files
matching ``yaml|yml|json|jsonnet``, a ``.jsonnet`` one through ``vm.EvaluateFile``; ``.libsonnet`` files are
only imported). Validation is offline and does not run jsonnet, so such files are not read; before this
rule a directory of them validated as "0 resources" in silence. Each directory holding them is reported
once, at its first ``.jsonnet`` file, so that the run says what it did not check. To check them, validate
the output: ``jsonnet -y main.jsonnet | gitops-gen validate -`` (``-y`` writes a list as a YAML stream).
``.jsonnet`` files in a kustomize directory or a Helm chart are not reported: Argo CD does not evaluate
those.

PASS:

    # the output of `jsonnet -y main.jsonnet`, validated on stdin
    apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings}
    data: {mode: fast}

FAIL:

    # what stands for jsonnet/main.jsonnet, found while validating the repository
    kind: JsonnetFiles
    metadata: {name: jsonnet/main.jsonnet}
    problem: a .jsonnet file in 'jsonnet' (main.jsonnet) not validated
"""

from __future__ import annotations

from collections.abc import Iterable

from generator.validate.context import Context
from generator.validate.ksources import JSONNET_KIND, is_jsonnet_source
from generator.validate.model import Finding, Resource, Severity

ID = "jsonnet-not-rendered"
CATEGORY = "schema"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({JSONNET_KIND})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if not is_jsonnet_source(obj):
        return
    yield Finding(str(obj.obj["problem"]))
