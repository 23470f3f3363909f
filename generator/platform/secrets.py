"""Credentials. No plaintext Secret is ever generated: ExternalSecrets (default) or SealedSecrets produce
the in-cluster Secrets ``postgres-credentials`` (username, password) and ``object-store-credentials``
(accessKey, secretKey)."""

from __future__ import annotations

from typing import Any

from generator.config.model import Environment
from generator.platform.common import WAVE_SECRETS, labels, metadata
from generator.platform.names import OBJECT_STORE_SECRET, POSTGRES_SECRET

# Secret name -> (remote-key attribute of SecretsSettings, data keys)
SECRET_KEYS: dict[str, tuple[str, tuple[str, ...]]] = {
    POSTGRES_SECRET: ("postgres_key", ("password", "username")),
    OBJECT_STORE_SECRET: ("object_store_key", ("accessKey", "secretKey")),
}


def _external_secret(env: Environment, name: str) -> dict[str, Any]:
    attr, keys = SECRET_KEYS[name]
    remote = getattr(env.secrets, attr)
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
                "template": {"type": "Opaque", "metadata": {"labels": labels(name, "credentials")}},
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


def secrets(env: Environment) -> list[dict[str, Any]]:
    build = _sealed_secret if env.secrets.provider == "sealed-secrets" else _external_secret
    return [build(env, name) for name in (POSTGRES_SECRET, OBJECT_STORE_SECRET)]
