from __future__ import annotations

from typing import Any

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import plaintext_secret as rule


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _secret(**fields: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "pg"}, "type": "Opaque", **fields}


def test_fires_on_string_data() -> None:
    [finding] = _findings(_secret(stringData={"POSTGRES_PASSWORD": "mlflow123"}))
    assert finding.path == "/stringData"
    assert 'Secret "pg"' in finding.message and "POSTGRES_PASSWORD" in finding.message
    assert "mlflow123" not in finding.message  # never echo the secret


def test_fires_on_data_and_string_data_separately() -> None:
    findings = _findings(_secret(data={"b": "c2VjcmV0", "a": "eA=="}, stringData={"x": "y"}))
    assert [f.path for f in findings] == ["/data", "/stringData"]
    assert "(a, b)" in findings[0].message


def test_passes_without_values() -> None:
    assert _findings(_secret(), _secret(data={}), _secret(stringData={"filled-in-cluster": ""})) == []


def test_passes_external_secret() -> None:
    external = {"apiVersion": "external-secrets.io/v1beta1", "kind": "ExternalSecret", "metadata": {"name": "pg"}}
    ctx = Context.from_objects([{**external, "data": [{"secretKey": "password"}]}])
    assert list(rule.check(ctx, ctx.resources[0])) == []  # even without the KINDS filter


def test_passes_1password_secret_references_in_string_data() -> None:
    # onedr0p/home-ops bootstrap: `op inject` resolves each op:// reference before the apply
    refs = {
        "CLOUDFLARE_TUNNEL_ID": "op://kubernetes/cloudflare/CLOUDFLARE_TUNNEL_ID",
        "token": "{{ op://Private Vault/Connect/Admin/credentials-file }}",
    }
    assert _findings(_secret(stringData=refs)) == []


def test_a_value_that_only_contains_a_reference_still_fires() -> None:
    for value in ("op://kubernetes/cloudflare", "password op://a/b/c", "op://a/b/c\nhunter2"):
        [finding] = _findings(_secret(stringData={"k": value}))
        assert finding.path == "/stringData"
    # in data the value is base64: what it decodes to is not read as a reference
    [finding] = _findings(_secret(data={"k": "op://a/b/c"}))
    assert finding.path == "/data"
