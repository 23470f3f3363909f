"""Credentials. No plaintext Secret is ever generated: ExternalSecrets (default) or SealedSecrets produce
the in-cluster Secrets ``postgres-credentials`` (username, password) and ``object-store-credentials``
(accessKey, secretKey)."""

from __future__ import annotations

from typing import Any

from generator.config.build import AUTH_SECRET, OAUTH2_PROXY_SECRET
from generator.config.model import Environment
from generator.platform.common import WAVE_SECRETS, labels, metadata
from generator.platform.names import OBJECT_STORE_SECRET, POSTGRES_SECRET

# Secret name -> (remote-key attribute of SecretsSettings, data keys)
SECRET_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    POSTGRES_SECRET: ("postgres_key", ("password", "username")),
    OBJECT_STORE_SECRET: ("object_store_key", ("accessKey", "secretKey")),
    # auth: basic (generator.platform.auth.AUTH_KEYS) and auth: oidc (generator.platform.oauth2_proxy)
    AUTH_SECRET: (
        "auth_key",
        (
            "adminPassword",
            "adminUsername",
            "flaskSecretKey",
            "servingPassword",
            "servingUsername",
            "trainingPassword",
            "trainingUsername",
        ),
    ),
    OAUTH2_PROXY_SECRET: ("oauth2_proxy_key", ("clientSecret", "cookieSecret")),
}


# The MLflow backend URI is built by $(VAR) expansion from the Secret, so the password lands inside a URL:
# SQLAlchemy cuts the password at the first '@' and percent-decodes it. The ExternalSecret therefore also
# renders a percent-encoded copy (Go's urlquery, then '+' -> %20 since SQLAlchemy decodes with unquote, not
# unquote_plus) that the MLflow pods use; PostgreSQL itself keeps the plain value.
POSTGRES_PASSWORD_URL_KEY = "password-url"
_URL_ENCODED = '{{ .password | urlquery | replace "+" "%20" }}'


def postgres_password_key(env: Environment) -> str:
    """The key of ``postgres-credentials`` that may be put into a URL as the password."""
    # SealedSecrets carry only what the user sealed: the plain password (documented: URL-safe characters).
    return "password" if env.secrets.provider == "sealed-secrets" else POSTGRES_PASSWORD_URL_KEY


def _external_secret(env: Environment, name: str) -> dict[str, Any]:
    attr, keys = SECRET_KEYS[name]
    remote = getattr(env.secrets, attr)
    template: dict[str, Any] = {"type": "Opaque", "metadata": {"labels": labels(name, "credentials")}}
    if name == POSTGRES_SECRET:
        template["engineVersion"] = "v2"
        template["data"] = {
            **{key: "{{ ." + key + " }}" for key in keys},
            POSTGRES_PASSWORD_URL_KEY: _URL_ENCODED,
        }
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": metadata(name, namespace=env.namespace, app=name, component="credentials", wave=WAVE_SECRETS),
        "spec": {
            "refreshInterval": env.secrets.refresh_interval,
            "secretStoreRef": {"kind": env.secrets.store.kind, "name": env.secrets.store.name},
            "target": {
                "name": name,
                "creationPolicy": "Owner",
                "template": template,
            },
            "data": [{"secretKey": key, "remoteRef": {"key": remote, "property": key}} for key in keys],
        },
    }


def _sealed_secret(env: Environment, name: str) -> dict[str, Any]:
    encrypted = env.secrets.sealed[name]
    return {
        "apiVersion": "bitnami.com/v1alpha1",
        "kind": "SealedSecret",
        "metadata": metadata(name, namespace=env.namespace, app=name, component="credentials", wave=WAVE_SECRETS),
        "spec": {
            "encryptedData": dict(sorted(encrypted.items())),
            "template": {
                "type": "Opaque",
                "metadata": {"name": name, "namespace": env.namespace, "labels": labels(name, "credentials")},
            },
        },
    }


def auth_secret_names(env: Environment) -> tuple[str, ...]:
    """The Secrets an auth mode adds: MLflow's basic-auth credentials, or oauth2-proxy's secrets."""
    return {"basic": (AUTH_SECRET,), "oidc": (OAUTH2_PROXY_SECRET,)}.get(env.auth.mode, ())


def secrets(env: Environment) -> list[dict[str, Any]]:
    build = _sealed_secret if env.secrets.provider == "sealed-secrets" else _external_secret
    return [build(env, name) for name in (POSTGRES_SECRET, OBJECT_STORE_SECRET, *auth_secret_names(env))]
