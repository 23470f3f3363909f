"""apiserver-invalid: the offline port of the API server's validation (generator/models/kube_apiserver)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import apiserver_invalid as rule


def _run(*objs: dict[str, Any], version: str = "1.33") -> list[Finding]:
    ctx = Context.from_objects(list(objs), kubernetes_version=version)
    return [f for res in ctx.resources for f in rule.check(ctx, res)]


def _deploy(**pod: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "containers": [{"name": "app", "image": "nginx:1.27", "ports": [{"name": "http", "containerPort": 80}]}]
    }
    spec.update(pod)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "labels": {"app": "web"}},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"metadata": {"labels": {"app": "web"}}, "spec": spec},
        },
    }


def _one(found: list[Finding], path: str, words: str) -> None:
    hits = [f for f in found if f.path == path and words in f.message]
    assert hits, f"no finding at {path} with {words!r}: {[(f.path, f.message) for f in found]}"


def test_passes_valid_deployment_service_ingress_and_friends() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"name": "http", "port": 80, "targetPort": "http"}]},
    }
    ing = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "web"},
        "spec": {
            "rules": [
                {
                    "host": "*.example.com",
                    "http": {
                        "paths": [
                            {
                                "path": "/",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "web", "port": {"name": "http"}}},
                            }
                        ]
                    },
                }
            ]
        },
    }
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "web"},
        "spec": {"maxUnavailable": "50%", "selector": {"matchLabels": {"app": "web"}}},
    }
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 4,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}},
                }
            ],
        },
    }
    cron = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "nightly"},
        "spec": {
            "schedule": "0 2 * * 1-5",
            "timeZone": "Europe/Berlin",
            "jobTemplate": {
                "spec": {
                    "template": {
                        "spec": {"restartPolicy": "OnFailure", "containers": [{"name": "t", "image": "busybox:1.36"}]}
                    }
                }
            },
        },
    }
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "r"},
        "rules": [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get"]}],
    }
    np = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "n"},
        "spec": {
            "podSelector": {},
            "ingress": [
                {
                    "ports": [{"port": 8000, "endPort": 8100}],
                    "from": [{"ipBlock": {"cidr": "10.0.0.0/8", "except": ["10.1.0.0/16"]}}],
                }
            ],
        },
    }
    deploy = _deploy(
        volumes=[{"name": "data", "emptyDir": {}}],
        containers=[
            {
                "name": "app",
                "image": "nginx:1.27",
                "env": [{"name": "MY.VAR", "value": "1"}],
                "resources": {"requests": {"cpu": "250m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
                "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                "ports": [{"name": "http", "containerPort": 80}],
                "livenessProbe": {"httpGet": {"path": "/", "port": "http"}},
            }
        ],
    )
    assert _run(deploy, svc, ing, pdb, hpa, cron, role, np) == []


def test_fires_on_selector_not_matching_template() -> None:
    bad = _deploy()
    bad["spec"]["template"]["metadata"]["labels"] = {"app": "other"}
    _one(_run(bad), "/spec/template/metadata/labels", "`selector` does not match template `labels`")


@pytest.mark.parametrize("kind", ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"])
def test_fires_on_empty_or_missing_selector(kind: str) -> None:
    bad = _deploy()
    bad["kind"] = kind
    bad["spec"]["selector"] = {}
    _one(_run(bad), "/spec/selector", "empty selector is invalid")
    del bad["spec"]["selector"]
    _one(_run(bad), "/spec/selector", "selector is required")


def test_fires_on_container_problems() -> None:
    found = _run(
        _deploy(
            containers=[
                {
                    "name": "app",
                    "ports": [{"containerPort": 70000, "name": "http"}, {"containerPort": 81, "name": "http"}],
                    "resources": {"requests": {"cpu": "2", "memory": "2 Gi"}, "limits": {"cpu": "1"}},
                    "volumeMounts": [{"name": "cache", "mountPath": "/c"}, {"name": "cache", "mountPath": "/c"}],
                    "env": [
                        {"name": "1BAD", "value": "x"},
                        {"name": "A", "value": "x", "valueFrom": {"fieldRef": {"fieldPath": "x"}}},
                    ],
                    "livenessProbe": {"tcpSocket": {"port": 8080}, "httpGet": {"port": 8080}, "successThreshold": 2},
                }
            ]
        ),
        version="1.31",
    )
    base = "/spec/template/spec/containers/0"
    _one(found, f"{base}/image", "has no image")
    _one(found, f"{base}/ports/0/containerPort", "between 1 and 65535")
    _one(found, f"{base}/ports/1/name", "duplicate port name")
    _one(found, f"{base}/resources/requests/cpu", "less than or equal to its limit")
    _one(found, f"{base}/resources/requests/memory", "is not a quantity")
    _one(found, f"{base}/volumeMounts/0/name", "names no volume")
    _one(found, f"{base}/volumeMounts/1/mountPath", "must be unique")
    _one(found, f"{base}/env/0/name", "must not start with a digit")
    _one(found, f"{base}/env/1/valueFrom", "may not be specified when `value` is not empty")
    _one(found, f"{base}/livenessProbe", "more than 1 handler")
    _one(found, f"{base}/livenessProbe/successThreshold", "must be 1")
    assert all("[pkg/apis/" in f.message or "apimachinery" in f.message for f in found)  # every check cites upstream


def test_env_names_are_relaxed_from_1_32() -> None:
    deploy = _deploy(containers=[{"name": "a", "image": "x:1", "env": [{"name": "1WEIRD:NAME", "value": "1"}]}])
    assert _run(deploy, version="1.33") == []
    assert _run(deploy, version="1.31")


@pytest.mark.parametrize(
    ("kind", "policy", "fires"),
    [
        ("Deployment", "Never", True),
        ("Deployment", "Always", False),
        ("Job", "Always", True),
        ("Job", None, True),
        ("Job", "OnFailure", False),
        ("Job", "Never", False),
    ],
)
def test_restart_policy_per_kind(kind: str, policy: str | None, fires: bool) -> None:
    obj: dict[str, Any] = (
        _deploy()
        if kind == "Deployment"
        else {
            "apiVersion": "batch/v1",
            "kind": "Job",
            "metadata": {"name": "j"},
            "spec": {"template": {"spec": {"containers": [{"name": "j", "image": "busybox:1.36"}]}}},
        }
    )
    if policy:
        obj["spec"]["template"]["spec"]["restartPolicy"] = policy
    found = [f for f in _run(obj) if f.path.endswith("/restartPolicy")]
    assert bool(found) is fires


@pytest.mark.parametrize(
    ("schedule", "tz", "fires"),
    [
        ("0 2 * * *", None, False),
        ("*/15 * * * *", None, False),
        ("@daily", None, False),
        ("@every 1h30m", None, False),
        ("0 2 * * 7", None, True),
        ("60 * * * *", None, True),
        ("0 2 * *", None, True),
        ("CRON_TZ=UTC 0 2 * * *", None, True),
        ("0 2 * * MON-FRI", "Europe/Paris", False),
        ("0 2 * * *", "Mars/Olympus", True),
        ("0 2 * * *", "Local", True),
    ],
)
def test_cronjob_schedule_and_time_zone(schedule: str, tz: str | None, fires: bool) -> None:
    spec: dict[str, Any] = {
        "schedule": schedule,
        "jobTemplate": {
            "spec": {
                "template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "t", "image": "busybox:1.36"}]}}
            }
        },
    }
    if tz:
        spec["timeZone"] = tz
    found = _run({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": spec})
    assert bool(found) is fires, found


def test_fires_on_service_ingress_networkpolicy_pdb_hpa_rbac() -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "s"},
        "spec": {"ports": [{"port": 80, "targetPort": "this-name-is-too-long"}, {"port": 80, "nodePort": 30001}]},
    }
    found = _run(svc)
    _one(found, "/spec/ports/0/name", "needs a name")
    _one(found, "/spec/ports/0/targetPort", "no more than 15 characters")
    _one(found, "/spec/ports/1", "duplicate port 80/TCP")
    _one(found, "/spec/ports/1/nodePort", "may not be used when `type` is 'ClusterIP'")
    ing = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": {"name": "i"},
        "spec": {
            "rules": [
                {
                    "host": "10.0.0.1",
                    "http": {
                        "paths": [
                            {
                                "path": "api",
                                "pathType": "Prefix",
                                "backend": {"service": {"name": "s", "port": {"number": 80}}},
                            },
                            {"path": "/x", "backend": {"service": {"name": "s", "port": {}}}},
                        ]
                    },
                }
            ]
        },
    }
    found = _run(ing)
    _one(found, "/spec/rules/0/host", "not an IP address")
    _one(found, "/spec/rules/0/http/paths/0/path", "must be an absolute path")
    _one(found, "/spec/rules/0/http/paths/1/pathType", "pathType must be specified")
    _one(found, "/spec/rules/0/http/paths/1/backend/service/port", "port name or number is required")
    np = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": "n"},
        "spec": {
            "podSelector": {},
            "egress": [
                {
                    "ports": [{"port": "dns", "endPort": 60}, {"port": 90, "endPort": 80}],
                    "to": [{"ipBlock": {"cidr": "10.0.0.0/16", "except": ["192.168.0.0/24"]}}],
                }
            ],
        },
    }
    found = _run(np)
    _one(found, "/spec/egress/0/ports/0/endPort", "not a number")
    _one(found, "/spec/egress/0/ports/1/endPort", "greater than or equal to `port`")
    _one(found, "/spec/egress/0/to/0/ipBlock/except/0", "strict subset")
    pdb = {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": {"name": "p"},
        "spec": {"minAvailable": 1, "maxUnavailable": "150%"},
    }
    found = _run(pdb)
    _one(found, "/spec", "cannot be both set")
    _one(found, "/spec/maxUnavailable", "100%")
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "h"},
        "spec": {"scaleTargetRef": {"kind": "Deployment"}, "minReplicas": 5, "maxReplicas": 3},
    }
    found = _run(hpa)
    _one(found, "/spec/maxReplicas", "greater than or equal to `minReplicas`")
    _one(found, "/spec/scaleTargetRef/name", "required")
    role = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "Role",
        "metadata": {"name": "r"},
        "rules": [
            {"apiGroups": [""], "resources": ["pods"], "verbs": []},
            {"nonResourceURLs": ["/metrics"], "verbs": ["get"]},
        ],
    }
    found = _run(role)
    _one(found, "/rules/0/verbs", "at least one value")
    _one(found, "/rules/1/nonResourceURLs", "namespaced rules cannot apply to non-resource URLs")
    crb = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {"name": "b"},
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "r"},
        "subjects": [{"kind": "ServiceAccount", "name": "sa"}],
    }
    found = _run(crb)
    _one(found, "/roleRef/kind", "ClusterRole")
    _one(found, "/subjects/0/namespace", "needs a namespace")


def test_fires_on_labels_and_annotations_of_any_kind() -> None:
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "c", "labels": {"app": "x" * 64, "a/b/c": "v"}, "annotations": {"big": "x" * 300_000}},
        "data": {"bad key": "v"},
    }
    found = _run(cm)
    _one(found, "/metadata/labels/app", "no more than 63 characters")
    _one(found, "/metadata/labels/a~1b~1c", "qualified name")
    _one(found, "/metadata/annotations", "at most 262144 bytes")
    _one(found, "/data/bad key", "valid config key")


def test_passes_custom_resources_reusing_a_builtin_kind_name() -> None:
    knative = {
        "apiVersion": "serving.knative.dev/v1",
        "kind": "Service",
        "metadata": {"name": "k"},
        "spec": {"template": {}},
    }
    assert _run(knative) == []


def test_passes_malformed_input_without_raising() -> None:
    junk: list[Any] = [None, 0, "x", [], {}, [None], {"a": None}]
    base = _deploy()
    for j in junk:
        for path in (
            ("spec",),
            ("spec", "template"),
            ("spec", "template", "spec"),
            ("spec", "template", "spec", "containers"),
        ):
            obj = copy.deepcopy(base)
            node = obj
            for p in path[:-1]:
                node = node[p]
            node[path[-1]] = j
            _run(obj)  # must not raise


def test_passes_pre_v1_ingress_without_path_type() -> None:
    old = {
        "apiVersion": "networking.k8s.io/v1beta1",
        "kind": "Ingress",
        "metadata": {"name": "i"},
        "spec": {"rules": [{"http": {"paths": [{"path": "/", "backend": {"serviceName": "s", "servicePort": 80}}]}}]},
    }
    assert _run(old) == []


@pytest.mark.parametrize(
    "expr",
    ["0 2 * * *", "*/15 * * * *", "0 0 1 jan-jun mon-fri", "5,35 8-18/2 * * 1-5", "@daily", "0 0 * * 7",
     "60 * * * *", "0 0 0 * *", "0 0 * 13 *", "*/0 * * * *", "5-1 * * * *", "@often", "* * * *", "0 0 ? * SUN"],
)  # fmt: skip
def test_env_file_cron_check_agrees_with_the_api_server(expr: str) -> None:
    """environments/*.yaml `training.schedule` is checked by generator.config.cron.is_cron: it must accept
    exactly what the API server's parser (robfig/cron, ported in the model) accepts."""
    from generator.config.cron import is_cron
    from generator.models.kube_apiserver.workloads import cron_problem

    assert is_cron(expr) == (cron_problem(expr) == "")


def _rc(**spec: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "replicas": 2,
        "template": {
            "metadata": {"labels": {"app": "legacy"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]},
        },
    }
    base.update(spec)
    return {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "legacy"}, "spec": base}


def test_replication_controller_as_the_api_server_validates_it() -> None:
    """ValidatePodTemplateSpecForRC: restartPolicy Always only, selector matching the template's labels; an
    empty selector is defaulted from the template's labels (SetDefaults_ReplicationController)."""
    assert _run(_rc()) == []  # selector defaulted from the template's labels
    assert _run(_rc(selector={"app": "legacy"})) == []
    never = _rc()
    never["spec"]["template"]["spec"]["restartPolicy"] = "Never"
    assert [f.path for f in _run(never)] == ["/spec/template/spec/restartPolicy"]
    assert [f.path for f in _run(_rc(selector={"app": "other"}))] == ["/spec/template/metadata/labels"]
    assert {f.path for f in _run(_rc(template=None))} >= {"/spec/template", "/spec/selector"}


@pytest.mark.parametrize(
    "host",
    [
        "1.2.3.4", "::1", "fe80::1%eth0", "2001:db8::8a2e:370:7334", "a.b.com", "01.2.3.4", "1.2.3",
        "\u0661.\u0662.\u0663.\u0664", "1.2.3.4 ", "", "1.2.3.4%x", "1e.2.3.4", "0x1.2.3.4", "::ffff:1.2.3.4",
        "255.255.255.255", "256.1.1.1", "deadbeef", "dead:beef", "*.example.com",
    ],
)  # fmt: skip
def test_the_ip_shortcut_skips_only_hosts_that_cannot_parse(host: str) -> None:
    import ipaddress

    from generator.models.kube_apiserver import network

    try:
        ipaddress.ip_address(host)
        parses = True
    except ValueError:
        parses = False
    assert network._may_be_ip(host) or not parses


@pytest.mark.parametrize("kind", ["RoleBinding", "ClusterRoleBinding"])
def test_api_groups_the_api_server_defaults_are_not_required(kind: str) -> None:
    # kubernetes pkg/apis/rbac/v1/defaults.go: an empty roleRef.apiGroup, and an empty apiGroup of a User or
    # Group subject, become rbac.authorization.k8s.io before validation (kubernetes-engine-samples'
    # ai-ml/infw-gw getting-started ClusterRoleBinding has no roleRef.apiGroup)
    binding: dict[str, Any] = {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": kind,
        "metadata": {"name": "b", "namespace": "ml"},
        "roleRef": {"kind": "ClusterRole", "name": "view"},
        "subjects": [{"kind": "User", "name": "jane"}, {"kind": "Group", "name": "devs", "apiGroup": ""}],
    }
    assert _run(binding) == []
    wrong = copy.deepcopy(binding)
    wrong["roleRef"]["apiGroup"] = "rbac.example.com"
    wrong["subjects"][0]["apiGroup"] = "example.com"
    found = _run(wrong)
    _one(found, "/roleRef/apiGroup", 'unsupported value "rbac.example.com"')
    _one(found, "/subjects/0/apiGroup", 'must be "rbac.authorization.k8s.io" for User subjects')


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        (0, None),  # SetDefaults_Service: 0, "" and null become the port (open-telemetry demo's Jaeger Services)
        ("", None),
        (None, None),
        (8080, None),
        ("http", None),
        (70000, "between 1 and 65535"),
        ("8080", "at least one letter"),  # a JSON string is a port name, and a name needs a letter
    ],
)
def test_service_target_ports_as_the_api_server_defaults_and_validates_them(target: Any, problem: str | None) -> None:
    svc = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": "jaeger-agent"},
        "spec": {"selector": {"app": "jaeger"}, "ports": [{"name": "http", "port": 80, "targetPort": target}]},
    }
    found = _run(svc)
    if problem is None:
        assert found == [], [f.message for f in found]
    else:
        _one(found, "/spec/ports/0/targetPort", problem)


def test_what_the_api_server_defaults_before_validating_pods_is_no_error() -> None:
    """pkg/apis/core/v1/defaults.go: a volume without a source is an emptyDir (SetDefaults_Volume), a probe's
    successThreshold 0 is 1 (SetDefaults_Probe), a quantity finer than 1m is rounded up to 1m
    (SetDefaults_ResourceList), so none of them fails validation."""
    container = {
        "name": "a",
        "image": "x:1",
        "livenessProbe": {"tcpSocket": {"port": 8080}, "successThreshold": 0},
        "startupProbe": {"tcpSocket": {"port": 8080}, "successThreshold": 0},
        "resources": {"requests": {"cpu": "100u"}, "limits": {"cpu": "1m"}},
        "volumeMounts": [{"name": "cache", "mountPath": "/cache"}, {"name": "tmp", "mountPath": "/tmp"}],
    }
    deploy = _deploy(containers=[container])
    deploy["spec"]["template"]["spec"]["volumes"] = [{"name": "cache"}, {"name": "tmp", "emptyDir": None}]
    assert _run(deploy) == []
    # rounded up, a request can exceed its limit: 1.5m is 2m, above a limit of 1m
    container["resources"] = {"requests": {"cpu": "1500u"}, "limits": {"cpu": "1m"}}
    _one(_run(deploy), "/spec/template/spec/containers/0/resources/requests/cpu", "less than or equal to its limit")
    # still errors: two sources, a successThreshold of 2
    deploy["spec"]["template"]["spec"]["volumes"] = [{"name": "cache", "emptyDir": {}, "secret": {"secretName": "s"}}]
    container["resources"] = {}
    container["livenessProbe"] = {"tcpSocket": {"port": 8080}, "successThreshold": 2}
    found = _run(deploy)
    _one(found, "/spec/template/spec/volumes/0", "more than 1 volume type")
    _one(found, "/spec/template/spec/containers/0/livenessProbe/successThreshold", "must be 1")


@pytest.mark.parametrize(
    ("security_context", "path", "words"),
    [
        ({"allowPrivilegeEscalation": False, "privileged": True}, "/securityContext", "`privileged` to true"),
        (
            {"allowPrivilegeEscalation": False, "capabilities": {"add": ["CAP_SYS_ADMIN"]}},
            "/securityContext",
            "CAP_SYS_ADMIN",
        ),
        ({"runAsUser": -1}, "/securityContext/runAsUser", "between 0 and 2147483647"),
        ({"runAsGroup": 2147483648}, "/securityContext/runAsGroup", "group ID between 0"),
    ],
)
def test_fires_on_security_contexts_the_api_server_refuses(
    security_context: dict[str, Any], path: str, words: str
) -> None:
    # kubernetes pkg/apis/core/validation/validation.go, ValidateSecurityContext
    obj = _deploy()
    obj["spec"]["template"]["spec"]["containers"][0]["securityContext"] = security_context
    _one(_run(obj), "/spec/template/spec/containers/0" + path, words)


@pytest.mark.parametrize(
    "security_context",
    [
        {"allowPrivilegeEscalation": True, "privileged": True},
        {"privileged": True},
        # only the capability as written "CAP_SYS_ADMIN" is compared (the usual spelling is SYS_ADMIN)
        {"allowPrivilegeEscalation": False, "capabilities": {"add": ["SYS_ADMIN"]}},
        {"runAsUser": 0, "runAsGroup": 2147483647},
    ],
)
def test_passes_security_contexts_the_api_server_accepts(security_context: dict[str, Any]) -> None:
    obj = _deploy()
    obj["spec"]["template"]["spec"]["containers"][0]["securityContext"] = security_context
    assert _run(obj) == []


def test_an_image_of_blanks_is_a_pods_error_only() -> None:
    """validateContainersOnlyForPod checks an image's leading and trailing whitespace for a Pod; a pod
    template's image " " is a placeholder that OpenShift's image triggers fill in (validateContainerCommon:
    "do not validate leading and trailing whitespace to preserve backward compatibility"). Found on kyverno's
    verify-images test manifests."""
    container = {"name": "c", "image": " "}
    assert [f for f in _run(_deploy(containers=[container])) if "whitespace" in f.message] == []
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container]}}
    [finding] = [f for f in _run(pod) if "whitespace" in f.message]
    assert finding.path == "/spec/containers/0/image"


def test_an_init_containers_host_ports_are_checked_on_their_own() -> None:
    """validateInitContainers calls checkHostPortConflicts for each init container alone, "since init
    containers run one-by-one" (pkg/apis/core/validation/validation.go). Found on kyverno's exclude-host-ports
    test manifest."""
    port = {"containerPort": 20, "hostPort": 20}
    init = {"name": "init", "image": "busybox:1.36", "ports": [port]}
    main = {"name": "main", "image": "nginx:1.27", "ports": [port]}
    assert [f for f in _run(_deploy(initContainers=[init], containers=[main])) if "hostPort" in f.message] == []
    # the firing twins: twice in one init container, or in two regular containers
    twice = {**init, "ports": [port, {**port, "containerPort": 21}]}
    [finding] = [f for f in _run(_deploy(initContainers=[twice], containers=[main])) if "hostPort" in f.message]
    assert finding.path == "/spec/template/spec/initContainers/0/ports/1/hostPort"
    second = {**main, "name": "second"}
    [finding] = [f for f in _run(_deploy(containers=[main, second])) if "hostPort" in f.message]
    assert finding.path == "/spec/template/spec/containers/1/ports/0/hostPort"


# validateWindows / validateLinux (pkg/apis/core/validation/validation.go, generator/models/kube_apiserver/pod_os.py)
_T = "/spec/template/spec"


def test_windows_pod_refuses_linux_only_fields() -> None:
    found = _run(
        _deploy(
            os={"name": "windows"},
            hostPID=True,
            shareProcessNamespace=False,  # a pointer: false is set as well
            securityContext={
                "runAsUser": 1000,
                "seccompProfile": {"type": "RuntimeDefault"},
                "sysctls": [{"name": "a", "value": "1"}],
            },
            initContainers=[
                {"name": "init", "image": "busybox:1", "securityContext": {"capabilities": {"drop": ["ALL"]}}}
            ],
            containers=[
                {
                    "name": "app",
                    "image": "mcr.microsoft.com/windows/nanoserver:ltsc2022",
                    "securityContext": {
                        "readOnlyRootFilesystem": True,
                        "allowPrivilegeEscalation": False,
                        "privileged": False,
                    },
                }
            ],
        )
    )
    for path in (
        f"{_T}/hostPID",
        f"{_T}/shareProcessNamespace",
        f"{_T}/securityContext/runAsUser",
        f"{_T}/securityContext/seccompProfile",
        f"{_T}/securityContext/sysctls",
        f"{_T}/initContainers/0/securityContext/capabilities",
        f"{_T}/containers/0/securityContext/readOnlyRootFilesystem",
        f"{_T}/containers/0/securityContext/allowPrivilegeEscalation",
        f"{_T}/containers/0/securityContext/privileged",
    ):
        _one(found, path, "cannot be set for a windows pod")


def test_windows_pod_with_windows_options_passes_and_linux_pod_refuses_them() -> None:
    windows = {"runAsUserName": "ContainerUser"}
    ok = _run(
        _deploy(
            os={"name": "windows"},
            hostIPC=False,  # a plain boolean: false is not set
            securityContext={"windowsOptions": windows, "runAsNonRoot": True, "sysctls": []},
        )
    )
    assert not [f for f in ok if "windows" in f.message], [(f.path, f.message) for f in ok]
    linux = _run(
        _deploy(
            os={"name": "linux"},
            securityContext={"windowsOptions": windows},
            containers=[{"name": "app", "image": "nginx:1.27", "securityContext": {"windowsOptions": windows}}],
        )
    )
    _one(linux, f"{_T}/securityContext/windowsOptions", "windows options cannot be set for a linux pod")
    _one(linux, f"{_T}/containers/0/securityContext/windowsOptions", "windows options cannot be set for a linux pod")
    # no os.name (or an unknown one): neither check runs, as upstream
    assert not [f for f in _run(_deploy(securityContext={"windowsOptions": windows})) if "windows" in f.message]
    assert not [f for f in _run(_deploy(os={"name": "Windows"}, hostPID=True)) if "windows pod" in f.message]


def test_passes_a_label_value_holding_a_variable_checked_as_substituted() -> None:
    """cluster-api's clusterctl templates label with "${CLUSTER_NAME}-crs-0" (substituted by clusterctl and
    by Flux before the apply); names holding variables were checked with stand-ins already, labels were not."""
    cm = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "${APP}-cm", "labels": {"crs": "${CLUSTER_NAME}-crs-0", "bad": "${X}-"}},
    }
    found = _run(cm)
    assert [f.path for f in found] == ["/metadata/labels/bad"]  # still checked: it would end with "-"
