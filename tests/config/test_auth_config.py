"""auth: none | basic | oidc and ingress.kind: ingress | gateway in environment files (issue 11)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.commands import plan
from generator.config.load import auth_warnings, parse_environment
from generator.config.model import Environment
from generator.errors import ConfigError
from generator.kustomize.emit import render_tree

FILE = "environments/x.yaml"
OIDC = "auth:\n  mode: oidc\n  oidc: {issuerURL: 'https://id.example.com/realms/ml', clientID: mlflow}\n"


def load(text: str, name: str = "x") -> Environment:
    return parse_environment(text, name=name, source_file=FILE)


def error_of(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        load(text)
    assert "\n" not in str(info.value) and info.value.exit_code == 2
    return str(info.value)


def test_defaults_per_profile_and_both_spellings() -> None:
    assert [load(f"profile: {p}\n").auth.mode for p in ("dev", "staging", "prod")] == ["none", "basic", "basic"]
    assert load("profile: prod\nauth: none\n").auth.mode == "none"
    assert load("profile: dev\nauth: {mode: basic, defaultPermission: NO_PERMISSIONS}\n").auth.default_permission == (
        "NO_PERMISSIONS"
    )
    e = load("profile: prod\n" + OIDC)
    assert e.auth.oidc is not None and e.auth.oidc.client_id == "mlflow" and e.auth.oidc.email_domains == ("*",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "profile: prod\nauth: ldap\n",
            "environments/x.yaml:2:7: auth: expected one of: none, basic, oidc; got 'ldap'",
        ),
        (
            "profile: prod\nauth: {mode: basic, defaultPermission: EDIT}\n",
            "environments/x.yaml:2:40: auth.defaultPermission: expected one of: READ, NO_PERMISSIONS; got 'EDIT'",
        ),
        ("profile: prod\nauth: {mode: oidc}\n", "expected auth.oidc.issuerURL with auth mode oidc"),
        (
            "profile: prod\nauth: {mode: oidc, oidc: {issuerURL: 'http://id.example.com', clientID: a}}\n",
            "auth.oidc.issuerURL: expected an https URL",
        ),
        ("profile: prod\nauth: {mode: basic, database: mlflow}\n", "auth.database: expected a database other than"),
        ("profile: prod\nauth: {mode: basic, users: []}\n", "auth.users: unknown key 'users'"),
        ("profile: prod\ningress: {kind: gateway}\n", "ingress.kind: expected ingress.gateway (name, namespace)"),
        (
            "profile: prod\ningress: {gateway: {name: g, namespace: n}}\n",
            "ingress.gateway: only valid with ingress.kind gateway",
        ),
        (
            "profile: prod\ningress: {kind: gateway, gateway: {name: g}}\n",
            "ingress.gateway: missing required key 'namespace'",
        ),
    ],
)
def test_bad_auth_and_gateway_settings_name_file_line_and_key(text: str, expected: str) -> None:
    assert expected in error_of(text)


def test_sealed_secrets_need_the_auth_values() -> None:
    sealed = "AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq" * 2
    base = (
        "profile: prod\nsecrets:\n  provider: sealed-secrets\n  sealed:\n"
        f"    postgres: {{username: {sealed}, password: {sealed}}}\n"
        f"    objectStore: {{accessKey: {sealed}, secretKey: {sealed}}}\n"
    )
    assert "expected secrets.sealed.auth (kubeseal-encrypted values) with auth mode basic" in error_of(base)
    assert "expected secrets.sealed.oauth2Proxy" in error_of(base + OIDC)
    assert load(base + "auth: none\n").auth.mode == "none"


def test_gateway_controller_namespace_defaults_to_the_gateways() -> None:
    e = load("profile: prod\ningress: {kind: gateway, gateway: {name: shared, namespace: gw, sectionName: https}}\n")
    assert e.ingress.is_gateway and e.ingress.controller_namespace == "gw"
    assert e.ingress.gateway is not None and e.ingress.gateway.section_name == "https"
    assert {(r.kind, r.name, r.namespace) for r in e.policy.external} >= {("Gateway", "shared", "gw")}
    explicit = load(
        "profile: prod\ningress: {kind: gateway, controllerNamespace: envoy, gateway: {name: s, namespace: gw}}\n"
    )
    assert explicit.ingress.controller_namespace == "envoy"
    assert load("profile: prod\n").ingress.controller_namespace == "ingress-nginx"


def test_auth_none_in_prod_is_allowed_but_warned() -> None:
    (warning,) = auth_warnings(load("profile: prod\nauth: none\ningress: {host: mlflow.example.com}\n"))
    assert warning.startswith("environments/x.yaml: auth: none in a prod environment")
    assert "https://mlflow.example.com" in warning
    assert auth_warnings(load("profile: prod\n")) == []
    assert auth_warnings(load("profile: staging\nauth: none\n")) == []
    assert auth_warnings(load("profile: dev\n")) == []


def test_plan_shows_the_warning(tmp_path: Path) -> None:
    text = "profile: prod\nauth: none\ningress: {host: mlflow.open.example.com}\n"
    (tmp_path / "environments").mkdir()
    (tmp_path / "environments" / "open.yaml").write_text(text)
    for path, body in render_tree([parse_environment(text, name="open", source_file="environments/open.yaml")]).items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(body)
    out = io.StringIO()
    plan.run("open", repo=tmp_path, out=out)
    assert "warning: environments/open.yaml: auth: none in a prod environment" in out.getvalue()
    out = io.StringIO()
    (tmp_path / "environments" / "open.yaml").write_text(text.replace("auth: none", "auth: basic"))
    plan.run("open", repo=tmp_path, out=out)
    assert "warning:" not in out.getvalue()
