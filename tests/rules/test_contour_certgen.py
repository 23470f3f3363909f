"""missing-reference knows the Secrets ``contour certgen --kube`` creates (projectcontour/contour
cmd/contour/certgen.go, internal/certgen/certgen.go AsSecrets and AsLegacySecrets). Found on knative/serving's
third_party/contour-latest/contour.yaml: Contour's Deployment and Envoy's DaemonSet mount contourcert and
envoycert, which the certgen Job of the same file creates."""

from __future__ import annotations

from typing import Any

import pytest

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import missing_reference as rule

# As Contour's examples/contour/02-job-certgen.yaml and Knative's net-contour write it
CERTGEN = ["contour", "certgen", "--kube", "--incluster", "--overwrite", "--secrets-format=compact"]
FROM_POD = {"name": "CONTOUR_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}


def _job(command: list[str], env: list[dict[str, Any]] | None = None, kind: str = "Job") -> dict[str, Any]:
    container: dict[str, Any] = {"name": "contour", "image": "ghcr.io/projectcontour/contour:v1.33.5"}
    container["command"] = command
    if env is not None:
        container["env"] = env
    pod = {"spec": {"restartPolicy": "Never", "containers": [container]}}
    spec: dict[str, Any] = {"template": pod}
    if kind == "CronJob":
        spec = {"schedule": "0 0 1 * *", "jobTemplate": {"spec": spec}}
    meta = {"name": "contour-certgen", "namespace": "ce"}
    return {"apiVersion": "batch/v1", "kind": kind, "metadata": meta, "spec": spec}


def _mounting(secret: str, key: str | None = None, namespace: str = "ce") -> dict[str, Any]:
    source: dict[str, Any] = {"secretName": secret}
    if key is not None:
        source["items"] = [{"key": key, "path": key}]
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "contour", "namespace": namespace},
        "spec": {
            "selector": {"matchLabels": {"app": "contour"}},
            "template": {
                "metadata": {"labels": {"app": "contour"}},
                "spec": {
                    "containers": [{"name": "contour", "image": "ghcr.io/projectcontour/contour:v1.33.5"}],
                    "volumes": [{"name": "certs", "secret": source}],
                },
            },
        },
    }


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for r in ctx.resources if rule.KINDS is None or r.kind in rule.KINDS for f in rule.check(ctx, r)]


@pytest.mark.parametrize("secret", ["contourcert", "envoycert"])
@pytest.mark.parametrize("kind", ["Job", "CronJob"])
def test_the_certgen_job_of_contours_manifests_produces_both_secrets(secret: str, kind: str) -> None:
    job = _job([*CERTGEN, "--namespace=$(CONTOUR_NAMESPACE)"], [FROM_POD], kind=kind)
    assert _findings(job, _mounting(secret)) == []
    assert _findings(job, _mounting(secret, "ca.crt")) == []  # the compact format holds the CA bundle
    assert _findings(job, _mounting(secret, "tls.key")) == []


def test_without_the_job_the_secret_is_missing() -> None:
    [finding] = _findings(_mounting("contourcert"))
    assert "contourcert" in finding.message


@pytest.mark.parametrize(
    ("command", "env", "secret", "namespace", "key"),
    [
        # the default format is "legacy": no CA in the TLS Secrets, a third Secret cacert holds it
        (["contour", "certgen", "--kube", "--namespace=ce"], None, "cacert", "ce", "cacert.pem"),
        (["contour", "certgen", "--kube", "--namespace=ce"], None, "envoycert", "ce", "tls.crt"),
        # no --namespace: kingpin's Envar CONTOUR_NAMESPACE, else pkg/certs DefaultNamespace
        (["contour", "certgen", "--kube"], [FROM_POD], "contourcert", "ce", None),
        (["contour", "certgen", "--kube"], [{"name": "CONTOUR_NAMESPACE", "value": "edge"}], "envoycert", "edge", None),
        (["contour", "certgen", "--kube"], None, "contourcert", "projectcontour", None),
        # --secrets-name-prefix P names them P-contourcert, P-envoycert (internal/certgen certname)
        ([*CERTGEN, "--namespace=ce", "--secrets-name-prefix=int"], None, "int-envoycert", "ce", "ca.crt"),
    ],
)
def test_flags_decide_names_namespace_and_keys(
    command: list[str], env: list[dict[str, Any]] | None, secret: str, namespace: str, key: str | None
) -> None:
    assert _findings(_job(command, env), _mounting(secret, key, namespace)) == []


@pytest.mark.parametrize(
    ("command", "secret", "key"),
    [
        (["contour", "certgen", "--yaml", "--namespace=ce"], "contourcert", None),  # files, not Secrets
        (["contour", "certgen", "--pem"], "contourcert", None),
        (["contour", "serve", "--kube"], "contourcert", None),  # another subcommand
        (["contour", "certgen", "--kube", "--namespace=ce"], "contourcert", "ca.crt"),  # legacy: no CA here
        (["contour", "certgen", "--kube", "--namespace=elsewhere"], "contourcert", None),
        ([*CERTGEN, "--namespace=ce", "--secrets-name-prefix=int"], "contourcert", None),
    ],
)
def test_what_certgen_does_not_create_stays_missing(command: list[str], secret: str, key: str | None) -> None:
    assert len(_findings(_job(command), _mounting(secret, key))) == 1
