"""Environment files: schema, profiles, deep-merge overrides and one-line errors with file:line:col."""

from __future__ import annotations

import json
import re
import time
from dataclasses import FrozenInstanceError
from pathlib import Path

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest

from generator.config.cron import is_cron
from generator.config.load import (
    discover,
    environment_path,
    load_by_name,
    load_environment,
    parse_environment,
)
from generator.config.profiles import MLFLOW_IMAGE, TRAINING_IMAGE, defaults_for
from generator.config.read import schema
from generator.errors import ConfigError, GitopsGenError

ROOT = Path(__file__).resolve().parents[2]
FILE = "environments/x.yaml"


def load(text: str, name: str = "x") -> object:
    return parse_environment(text, name=name, source_file=FILE)


def error_of(text: str, name: str = "x") -> str:
    with pytest.raises(ConfigError) as info:
        parse_environment(text, name=name, source_file=FILE)
    message = str(info.value)
    assert "\n" not in message
    assert info.value.exit_code == 2
    return message


# ------------------------------------------------------------------------------------ shipped files


def test_shipped_environments_load() -> None:
    paths = discover(ROOT)
    assert [p.name for p in paths] == ["dev.yaml", "prod.yaml", "staging.yaml"]
    envs = {p.stem: load_environment(p, repo_root=ROOT) for p in paths}
    assert {e.profile for e in envs.values()} == {"dev", "staging", "prod"}
    prod = envs["prod"]
    assert prod.name == "prod" and prod.source_file == "environments/prod.yaml"
    assert prod.namespace == "mlflow-prod" and prod.host == "mlflow.example.com"
    assert prod.kubernetes_version == "1.33"
    assert prod.mlflow.replicas == 3 and prod.ingress.tls and prod.network_policy.enabled
    dev = envs["dev"]
    assert dev.mlflow.replicas == 1 and not dev.ingress.tls and not dev.network_policy.enabled
    staging = envs["staging"]
    assert staging.mlflow.replicas == 1 and staging.ingress.tls and staging.network_policy.enabled
    assert dev.argocd.repo_url.startswith("https://") and dev.argocd.automated
    with pytest.raises(FrozenInstanceError):
        prod.name = "other"  # type: ignore[misc]


def test_load_by_name_validates_the_name(tmp_path: Path) -> None:
    assert load_by_name(ROOT, "dev").name == "dev"
    for bad in ("../x", "Prod", "", "a/b", "x.yaml", "-x"):
        with pytest.raises(ConfigError, match="invalid environment name"):
            environment_path(ROOT, bad)
    with pytest.raises(ConfigError, match="no such environment file"):
        load_by_name(ROOT, "does-not-exist")


@pytest.mark.parametrize("stem", ["Prod", "prod_eu", "x" * 64])
def test_file_stem_must_be_a_dns_label(stem: str, tmp_path: Path) -> None:
    path = tmp_path / "environments" / f"{stem}.yaml"
    path.parent.mkdir()
    path.write_text("profile: dev\n")
    with pytest.raises(ConfigError, match="invalid environment name"):
        load_environment(path, repo_root=tmp_path)


def test_schema_is_shipped_and_valid_draft_2020_12() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)
    on_disk = json.loads((ROOT / "generator" / "config" / "schema.json").read_text())
    assert on_disk == s
    for top in ("profile", "namespace", "kubernetesVersion", "images", "postgres", "objectStore", "mlflow"):
        assert top in s["properties"]
    for top in ("ingress", "secrets", "training", "serving", "monitoring", "networkPolicy", "argocd", "policy"):
        assert top in s["properties"]


@pytest.mark.parametrize("profile", ["dev", "staging", "prod"])
def test_profile_defaults_validate_against_the_schema(profile: str) -> None:
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors({**defaults_for(profile), "profile": profile}))
    assert errors == []


# ------------------------------------------------------------------------------------ profiles / overrides


def test_profile_defaults_and_deep_merge_overrides() -> None:
    env = parse_environment(
        "profile: prod\nmlflow:\n  resources:\n    limits:\n      memory: 5Gi\n", name="p", source_file=FILE
    )
    # one leaf overridden, its siblings keep the profile's values
    assert env.mlflow.resources.limits_memory == "5Gi"
    assert env.mlflow.resources.limits_cpu == "2" and env.mlflow.resources.requests_memory == "3Gi"
    assert env.mlflow.replicas == 3  # prod default
    assert env.namespace == "mlflow-p" and env.host == "mlflow.p.example.com"
    assert env.images.mlflow == MLFLOW_IMAGE and MLFLOW_IMAGE.endswith("-full")
    assert env.images.serving == MLFLOW_IMAGE
    assert env.images.training == TRAINING_IMAGE == env.training.image  # built from examples/trainer
    assert env.training.command[:2] == ("python", "/app/train.py")
    custom = parse_environment(
        "profile: dev\nimages:\n  training: registry.example.com/t:1.0\n", name="p", source_file=FILE
    )
    assert custom.training.image == "registry.example.com/t:1.0"


def test_every_listed_value_can_be_overridden() -> None:
    text = """\
profile: dev
namespace: team-a
kubernetesVersion: "1.31"
images:
  mlflow: registry.example.com/mlflow:3.9.1-full@sha256:%s
  postgres: postgres:17.2
ingress:
  host: ml.team-a.example.org
  className: traefik
  clusterIssuer: corp-ca
  tls: true
mlflow:
  replicas: 2
postgres:
  storage:
    size: 1Ti
    storageClass: fast-ssd
secrets:
  provider: external-secrets
  store:
    kind: SecretStore
    name: vault
training:
  image: registry.example.com/train:1.2.3
  schedule: "*/30 * * * *"
serving:
  models:
    - name: iris
      modelUri: models:/iris/Production
      replicas: 3
monitoring:
  enabled: false
networkPolicy:
  enabled: true
""" % ("0" * 64)
    env = parse_environment(text, name="team-a", source_file=FILE)
    assert env.namespace == "team-a" and env.kubernetes_version == "1.31"
    assert env.images.mlflow.endswith("@sha256:" + "0" * 64) and env.images.postgres == "postgres:17.2"
    assert env.ingress.class_name == "traefik" and env.ingress.cluster_issuer == "corp-ca" and env.ingress.tls
    assert env.mlflow.replicas == 2
    assert env.postgres.storage.size == "1Ti" and env.postgres.storage.storage_class == "fast-ssd"
    assert env.secrets.store.kind == "SecretStore" and env.secrets.store.name == "vault"
    assert env.training.image == "registry.example.com/train:1.2.3" and env.training.schedule == "*/30 * * * *"
    assert env.serving.models[0].replicas == 3 and not env.monitoring.enabled and env.network_policy.enabled
    externals = {(r.kind, r.name, r.namespace) for r in env.policy.external}
    assert ("SecretStore", "vault", "team-a") in externals and ("ClusterIssuer", "corp-ca", "") in externals


def test_policy_section() -> None:
    env = load(
        "profile: prod\npolicy:\n  severity:\n    min-replicas: warning\n  external:\n"
        "    - kind: Secret\n      name: registry-creds\n"
    )
    assert env.policy.severity == {"min-replicas": "warning"}  # type: ignore[attr-defined]
    assert any(r.kind == "Secret" and r.name == "registry-creds" for r in env.policy.external)  # type: ignore[attr-defined]


# ------------------------------------------------------------------------------------ errors

BAD = [
    # (case, text, line, col, key, expected fragment)
    ("unknown top key", "profile: dev\nreplicas: 2\n", 2, 1, "replicas", "unknown key 'replicas'"),
    ("unknown nested key", "profile: dev\nmlflow:\n  replica: 2\n", 3, 3, "mlflow.replica", "unknown key"),
    ("wrong type", "profile: dev\nmlflow:\n  replicas: two\n", 3, 13, "mlflow.replicas", "expected integer"),
    ("bool as string", "profile: dev\ningress:\n  tls: yes\n", 3, 8, "ingress.tls", "expected boolean"),
    ("bad quantity", "profile: dev\npostgres:\n  storage:\n    size: 20 Gi\n", 4, 11, "postgres.storage.size", "10Gi"),
    (
        "bad cpu",
        "profile: dev\nmlflow:\n  resources:\n    limits:\n      cpu: 1 core\n",
        5,
        12,
        "mlflow.resources.limits.cpu",
        "Kubernetes quantity",
    ),
    ("bad host", "profile: dev\ningress:\n  host: Mlflow_Example.com\n", 3, 9, "ingress.host", "hostname"),
    # Kubernetes rejects an IP as spec.rules[].host: the sync would fail at apply time
    ("ip host", "profile: dev\ningress:\n  host: 10.0.0.1\n", 3, 9, "ingress.host", "not an IP address"),
    ("bad cron", "profile: dev\ntraining:\n  schedule: '0 25 * * *'\n", 3, 13, "training.schedule", "cron"),
    ("cron fields", "profile: dev\ntraining:\n  schedule: daily\n", 3, 13, "training.schedule", "cron"),
    ("latest", "profile: dev\nimages:\n  mlflow: ghcr.io/mlflow/mlflow:latest\n", 3, 11, "images.mlflow", "pinned"),
    ("untagged", "profile: dev\nimages:\n  postgres: postgres\n", 3, 13, "images.postgres", "tag is required"),
    ("bad profile", "profile: qa\n", 1, 10, "profile", "one of: dev, staging, prod"),
    ("version as number", "profile: dev\nkubernetesVersion: 1.30\n", 2, 20, "kubernetesVersion", "as a string"),
    ("zero replicas", "profile: dev\nmlflow:\n  replicas: 0\n", 3, 13, "mlflow.replicas", ">= 1"),
    ("upper-case image", "profile: dev\nimages:\n  mc: Quay.io/MinIO/mc:v1\n", 3, 7, "images.mc", "pinned image"),
    ("list instead of map", "profile: dev\nmlflow: [1]\n", 2, 9, "mlflow", "expected object"),
    ("no profile", "namespace: x\n", 1, 1, "<root>", "missing required key 'profile'"),
    ("bad namespace", "profile: dev\nnamespace: My_NS\n", 2, 12, "namespace", "DNS label"),
    (
        "bad model",
        "profile: dev\nserving:\n  models:\n    - name: iris\n      modelUri: iris\n",
        5,
        17,
        "serving.models[0].modelUri",
        "model URI",
    ),
    (
        "external without endpoint",
        "profile: dev\nobjectStore:\n  type: external-s3\n",
        3,
        3,
        "objectStore.endpoint",
        "endpoint",
    ),
    (
        "sealed without values",
        "profile: dev\nsecrets:\n  provider: sealed-secrets\n",
        3,
        13,
        "secrets",
        "secrets.sealed",
    ),
    (
        "hpa bounds",
        "profile: prod\nmlflow:\n  hpa:\n    enabled: true\n    minReplicas: 5\n    maxReplicas: 3\n",
        5,
        18,
        "mlflow.hpa.minReplicas",
        "minReplicas <= maxReplicas",
    ),
    (
        "severity level",
        "profile: dev\npolicy:\n  severity:\n    min-replicas: loud\n",
        4,
        19,
        "policy.severity.min-replicas",
        "one of",
    ),
]


@pytest.mark.parametrize(("case", "text", "line", "col", "key", "fragment"), BAD, ids=[b[0] for b in BAD])
def test_invalid_values_name_file_line_col_and_key(
    case: str, text: str, line: int, col: int, key: str, fragment: str
) -> None:
    message = error_of(text)
    assert message.startswith(f"{FILE}:{line}:{col}: {key}"), message
    assert fragment in message, message


def test_unknown_key_lists_what_is_expected() -> None:
    message = error_of("profile: dev\nobjectStore:\n  typ: minio\n")
    assert "unknown key 'typ'" in message and "type" in message.split("expected one of:")[1]


def test_malformed_yaml() -> None:
    message = error_of("profile: dev\nmlflow: [1, 2\n")
    assert re.match(rf"{FILE}:\d+:\d+: malformed YAML", message), message


def test_duplicate_keys() -> None:
    message = error_of("profile: dev\nmlflow:\n  replicas: 1\n  replicas: 2\n")
    assert message.startswith(f"{FILE}:4:3: duplicate key"), message
    assert "replicas" in message


def test_aliases_and_anchors_are_refused() -> None:
    message = error_of("profile: dev\nx: &a {replicas: 1}\nmlflow: *a\n")
    assert message.startswith(f"{FILE}:2:4:") and "anchors and aliases" in message
    assert "anchors and aliases" in error_of("profile: dev\nmlflow:\n  <<: *a\n")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    message = error_of("profile: dev\n" + "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 1.0
    assert "anchors and aliases" in message


def test_multiple_documents_and_non_mappings() -> None:
    assert "single YAML document" in error_of("profile: dev\n---\nprofile: prod\n")
    assert "expected a mapping" in error_of("- profile: dev\n")
    assert "empty file" in error_of("")
    assert "keys must be strings" in error_of("profile: dev\n1: x\n")


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    env_dir = tmp_path / "environments"
    env_dir.mkdir()
    with pytest.raises(ConfigError, match=r"environments/gone\.yaml: no such environment file"):
        load_environment(env_dir / "gone.yaml", repo_root=tmp_path)
    (env_dir / "bin.yaml").write_bytes(b"profile: \xff\xfe\n")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_environment(env_dir / "bin.yaml", repo_root=tmp_path)


def test_config_error_is_a_gitops_gen_error() -> None:
    assert issubclass(ConfigError, GitopsGenError)


# ------------------------------------------------------------------------------------ cron


@pytest.mark.parametrize(
    "expr", ["0 2 * * *", "*/15 * * * *", "0 0 1 jan-jun mon-fri", "5,35 8-18/2 * * 1-5", "@daily", "0 0 * * 0"]
)
def test_valid_cron(expr: str) -> None:
    assert is_cron(expr)


@pytest.mark.parametrize(
    "expr",
    [
        "",
        "* * * *",
        "60 * * * *",
        "0 24 * * *",
        "0 0 0 * *",
        "0 0 * 13 *",
        "*/0 * * * *",
        "5-1 * * * *",
        "@often",
        "0 0 * * 7",
    ],
)
def test_invalid_cron(expr: str) -> None:
    assert not is_cron(expr)


def test_environments_are_hashable_and_comparable() -> None:
    a = load_by_name(ROOT, "prod")
    b = load_by_name(ROOT, "prod")
    assert a == b and hash(a) == hash(b) and len({a, b, load_by_name(ROOT, "dev")}) == 2


def test_absurd_nesting_is_refused_without_recursion_errors() -> None:
    message = error_of("profile: dev\nmlflow: " + "[" * 5000 + "]" * 5000 + "\n")
    assert message.startswith(f"{FILE}:2:") and "nesting deeper than" in message
