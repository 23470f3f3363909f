"""Documents that look like Kubernetes objects but are a command-line tool's own input.

Several tools read YAML written in the Kubernetes style (``apiVersion``, ``kind``) that no API server
serves: kind's and k3d's cluster configuration, kubeadm's, the kubelet's and the kube-apiserver's
configuration files (its audit policy among them), Skaffold's ``skaffold.yaml``, test suites for
chainsaw, kuttl, the Kyverno CLI and gator. Repositories keep them next to their manifests (``hack/``,
``test/``, ``e2e/``), so a walk over a repository meets them. They are no objects to validate: no schema
exists for them on any cluster, and the rules for objects (a ``metadata.name``, a namespace) do not apply.
Applied by Argo CD or Flux all the same, the apply fails, since the API server knows no such kind.

Each entry names the API group as the tool declares it (the file cited) and what reads such a file.
"""

from __future__ import annotations

# API group -> what reads documents of that group
_GROUPS: dict[str, str] = {
    # kubernetes-sigs/kind pkg/apis/config/v1alpha4/types.go (`Cluster`, TypeMeta only: no metadata)
    "kind.x-k8s.io": "the kind CLI (its cluster configuration)",
    # kubernetes/kubernetes cmd/kubeadm/app/apis/kubeadm/v1beta4/register.go (GroupName)
    "kubeadm.k8s.io": "kubeadm (its configuration file)",
    # k3d-io/k3d pkg/config/v1alpha5/types.go (ApiVersion = "k3d.io/v1alpha5"; GetConfigByKind: Simple,
    # Cluster, ClusterList); the earlier v1alpha2..v1alpha4 packages declare the same group
    "k3d.io": "the k3d CLI (its cluster configuration, `k3d cluster create --config`)",
    # kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1/register.go (GroupName:
    # AdmissionConfiguration, EncryptionConfiguration, TracingConfiguration), each named by a kube-apiserver
    # flag (--admission-control-config-file, --encryption-provider-config, --tracing-config-file)
    "apiserver.config.k8s.io": "the kube-apiserver (a configuration file named by one of its flags)",
    # kubernetes/kubernetes staging/src/k8s.io/apiserver/pkg/apis/audit/v1/doc.go (+groupName=audit.k8s.io):
    # the audit Policy of --audit-policy-file, and the Event lines of the audit log; neither is served
    "audit.k8s.io": "the kube-apiserver (its --audit-policy-file)",
    # kubernetes/kubernetes staging/src/k8s.io/kubelet/config/v1beta1/register.go (GroupName)
    "kubelet.config.k8s.io": "the kubelet (its --config file)",
    # kubernetes/kubernetes staging/src/k8s.io/kube-proxy/config/v1alpha1/register.go (GroupName)
    "kubeproxy.config.k8s.io": "kube-proxy (its --config file)",
    # kubernetes/kubernetes staging/src/k8s.io/kube-scheduler/config/v1/register.go (GroupName)
    "kubescheduler.config.k8s.io": "kube-scheduler (its --config file)",
    # kyverno/chainsaw pkg/apis/v1alpha1/zz_generated.register.go (Configuration, StepTemplate, Test)
    "chainsaw.kyverno.io": "the chainsaw CLI (a test, step template or configuration)",
    # kudobuilder/kuttl pkg/apis/testharness/v1beta1/doc.go (+groupName=kuttl.dev)
    "kuttl.dev": "the kuttl CLI (a test suite, step or assertion)",
    # kyverno/kyverno cmd/cli/kubectl-kyverno/apis/v1alpha1/doc.go (+groupName=cli.kyverno.io)
    "cli.kyverno.io": "the Kyverno CLI (`kyverno test` and `kyverno apply` input)",
    # open-policy-agent/gatekeeper pkg/gator/verify/read_suites.go (Group = "test.gatekeeper.sh")
    "test.gatekeeper.sh": "gator (`gator verify` test suites)",
    # kubernetes-sigs/descheduler pkg/api/v1alpha2/register.go (GroupName = "descheduler")
    "descheduler": "the descheduler (its --policy-config-file)",
    # kubernetes-sigs/cluster-api cmd/clusterctl/api/v1alpha3/groupversion_info.go
    "clusterctl.cluster.x-k8s.io": "clusterctl (a provider's metadata.yaml or its configuration)",
    # GoogleContainerTools/skaffold pkg/skaffold/schema/latest/config.go (Version = "skaffold/v4beta14";
    # "Kind is always `Config`") and pkg/skaffold/schema/versions.go (SchemaVersionsV1/V2: skaffold/v1alpha1
    # to v4beta14; configFactoryFromAPIVersion and parseConfig read every document of a multi-config
    # skaffold.yaml as one Config). The group has no dot, so no CRD can serve it either (kubernetes/kubernetes
    # staging/src/k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation/validation.go: a CRD's
    # spec.group "should be a domain with at least one dot").
    "skaffold": "Skaffold (a skaffold.yaml: `skaffold dev`, `skaffold run`)",
}

# (API group, kind) -> what reads it, where the group also has kinds a cluster serves
_KINDS: dict[tuple[str, str], str] = {
    # kyverno/kyverno cmd/cli/kubectl-kyverno/test/load.go: LoadTest unmarshals every document of a test
    # file into v1alpha1.Test whatever its apiVersion, so the older `kyverno.io/v1` tests still run; the
    # kyverno.io group's served kinds (policies, exceptions) have no `Test`
    ("kyverno.io", "Test"): "the Kyverno CLI (a `kyverno test` file)",
    # istio/istio operator/pkg/apis/register.go (IstioOperatorGVK: install.istio.io/v1alpha1 IstioOperator),
    # the input of `istioctl install -f`; Istio 1.24 removed the in-cluster operator that served it as a CRD
    # (istio.io blog/2024/in-cluster-operator-deprecation-announcement: "Users who install Istio with the
    # istioctl install command and an IstioOperator YAML file are not affected")
    ("install.istio.io", "IstioOperator"): "istioctl (`istioctl install -f`; no operator serves it since Istio 1.24)",
}


def tool_reading(api_version: str, kind: str) -> str | None:
    """What reads a document of ``api_version`` and ``kind``, when it is a tool's input and no API object."""
    group = api_version.rpartition("/")[0]
    if not group or not kind:
        return None
    return _GROUPS.get(group) or _KINDS.get((group, kind))


_ANY_GROUP = frozenset(_GROUPS) | {group for group, _ in _KINDS}


def may_be_tool_input(api_version: str) -> bool:
    """Whether some kind of ``api_version`` is a tool's input (:func:`tool_reading` decides for the kind)."""
    return api_version.rpartition("/")[0] in _ANY_GROUP
