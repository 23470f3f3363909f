from __future__ import annotations

import textwrap
from typing import Any

import pytest
import yaml

from generator.validate.context import Context
from generator.validate.model import Finding
from generator.validate.rules import documentation
from generator.validate.rules import secret_in_env as rule

C0 = "/spec/template/spec/containers/0"


def _findings(*objs: dict[str, Any]) -> list[Finding]:
    ctx = Context.from_objects(list(objs))
    return [f for res in ctx.resources if rule.KINDS is None or res.kind in rule.KINDS for f in rule.check(ctx, res)]


def _deployment(env: list[dict[str, Any]] | None = None, args: list[str] | None = None) -> dict[str, Any]:
    c: dict[str, Any] = {"name": "mlflow", "image": "mlflow:2"}
    if env is not None:
        c["env"] = env
    if args is not None:
        c["args"] = args
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "mlflow"},
        "spec": {"template": {"spec": {"containers": [c]}}},
    }


def _configmap(data: dict[str, str]) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": data}


@pytest.mark.parametrize(
    "name",
    [
        "AWS_SECRET_ACCESS_KEY",
        "MINIO_ROOT_PASSWORD",
        "dbPassword",
        "GITHUB_TOKEN",
        "API_KEY",
        "apiKey",
        "credentials",
        "TLS_CLIENT_KEY",
    ],
)
def test_fires_on_credential_name_with_literal_value(name: str) -> None:
    [finding] = _findings(_deployment(env=[{"name": "X", "value": "x"}, {"name": name, "value": "hunter2"}]))
    assert finding.path == f"{C0}/env/1/value"
    assert 'Container "mlflow"' in finding.message and f'"{name}"' in finding.message
    assert "secretKeyRef" in finding.message and "hunter2" not in finding.message


@pytest.mark.parametrize(
    ("value", "what"),
    [
        ("postgresql://mlflow:mlflow@postgres:5432/mlflow", "password inside a URL"),
        ("AKIAIOSFODNN7EXAMPLE", "AWS access key"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow...", "private key"),
        ("ghp_" + "a1B2" * 9, "GitHub token"),
    ],
)
def test_fires_on_credential_looking_value_whatever_the_name(value: str, what: str) -> None:
    [finding] = _findings(_deployment(env=[{"name": "BACKEND_STORE", "value": value}]))
    assert finding.path == f"{C0}/env/0/value"
    assert what in finding.message


def test_fires_on_args_flag_forms_and_urls() -> None:
    args = [
        "server",
        "--db-password=s3cret",
        "--token",
        "abc123",
        "--backend-store-uri",
        "postgresql://mlflow:pw@postgres/mlflow",
    ]
    findings = _findings(_deployment(args=args))
    assert [f.path for f in findings] == [f"{C0}/args/1", f"{C0}/args/3", f"{C0}/args/5"]
    assert "--db-password" in findings[0].message and "args[1]" in findings[0].message
    assert "--token" in findings[1].message
    assert "URL" in findings[2].message


def test_fires_on_configmap_key_and_embedded_config_file() -> None:
    data = {
        "db-password": "hunter2",
        "app.ini": "[db]\nuser = mlflow\npassword = hunter2\n",
        "plain": "nothing to see",
    }
    findings = _findings(_configmap(data))
    assert [f.path for f in findings] == ["/data/db-password", "/data/app.ini"]
    assert 'ConfigMap "cfg" key "db-password"' in findings[0].message
    assert "(password)" in findings[1].message


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "pg", "key": "password"}}},
        {"name": "DB_PASSWORD", "value": ""},
        {"name": "DB_PASSWORD", "value": "$(PG_PASSWORD)"},
        {"name": "AUTH_TOKEN", "value": "Bearer $(TOKEN)"},
        {"name": "POSTGRES_PASSWORD_FILE", "value": "/run/secrets/pg"},
        {"name": "SECRET_NAME", "value": "postgres-credentials"},
        {"name": "AWS_ACCESS_KEY_ID", "value": "minio"},
        {"name": "PASSWORD_AUTH", "value": "true"},
        {"name": "SORT_KEY", "value": "created"},
        {"name": "TLS_CLIENT_KEY", "value": "/etc/tls/client.key"},
        {"name": "DATABASE_URL", "value": "postgresql://mlflow:$(DB_PASSWORD)@postgres:5432/mlflow"},
        {"name": "MLFLOW_S3_ENDPOINT_URL", "value": "http://minio:9000"},
        # Vault's init parameters: how many key shares, and the quorum (hashicorp/vault api/sys_init.go)
        {"name": "SECRET_SHARES", "value": "5"},
        {"name": "SECRET_THRESHOLD", "value": "3"},
        # zalando/postgres-operator's configmap: how many days rotated users are kept
        {"name": "PASSWORD_ROTATION_USER_RETENTION", "value": "180"},
        {"name": "PASSWORD_MAX_AGE_DAYS", "value": "90"},
        # how long a token lives, in a unit (GoogleCloudPlatform/bank-of-anthos userservice)
        {"name": "TOKEN_EXPIRY_SECONDS", "value": "3600"},
        {"name": "JWT_TOKEN_MAX_AGE", "value": "86400"},
        {"name": "sessionTokenLifetime", "value": "12h"},
    ],
)
def test_passes_references_expansions_and_non_credentials(entry: dict[str, Any]) -> None:
    assert _findings(_deployment(env=[entry])) == []


def test_passes_args_with_expansion_and_plain_flags() -> None:
    args = ["--db-password=$(DB_PASSWORD)", "--secret-name", "pg", "--backend-store-uri", "postgresql://u:$(P)@h/db"]
    assert _findings(_deployment(args=args)) == []


def test_passes_configmap_without_credentials() -> None:
    data = {"token-file": "/var/run/token", "prometheus.yml": "scrape_configs:\n  - bearer_token_file: /t\n"}
    assert _findings(_configmap(data)) == []


@pytest.mark.parametrize(
    "text",
    [
        # kserve config/configmap/inferenceservice.yaml: a block scalar (|-) holding JSON with the names of
        # Secret keys (pkg/credentials/s3/s3_secret.go S3Config), not credentials
        'credentials: |-\n   {\n      "s3": {"s3AccessKeyIDName": "AWS_ACCESS_KEY_ID"}\n   }\n',
        'credentials: >2 # folded\n   {\n   "storageSpecSecretName": "storage-config"\n   }\n',
        # a JSON key whose value is an object or an array opened on its line
        '{\n  "credentials": {\n    "s3AccessKeyIDName": "AWS_ACCESS_KEY_ID"\n  },\n  "tokens": [\n  ]\n}\n',
    ],
)
def test_passes_block_scalar_headers_and_opened_collections(text: str) -> None:
    assert _findings(_configmap({"config.yaml": text})) == []


def test_passes_a_configmap_yaml_key_that_opens_a_block() -> None:
    # "secret:" opens the secret volume source; the next line is not its value.
    data = {"template.yaml": "volumes:\n- name: certs\n  secret:\n    secretName: app-tls\n"}
    assert _findings(_configmap(data)) == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("db:\n  password:\n    hunter2\n", "password"),  # a YAML plain scalar continued on the next line
        ("auth:\n  secret: abc123\n", "secret"),  # inside the block a block key opens
        ("[db]\npassword =\n    s3cr3t\n", "password"),  # an ini continuation line
        ("db:\n  password: |-\n    hunter2\n", "password"),  # a YAML block scalar holds the value below
        ('{\n  "credentials": {\n    "password": "hunter2"\n  }\n}\n', "password"),  # inside a JSON object
    ],
)
def test_fires_on_values_below_or_inside_a_block_key(text: str, key: str) -> None:
    [finding] = _findings(_configmap({"app.yaml": text}))
    assert f"({key})" in finding.message


@pytest.mark.parametrize(
    "text",
    [
        '{\n  "imagePullSecrets": [],\n  "hub": "docker.io/istio"\n}\n',
        '{\n  "tokens": [ ],\n  "secrets": {}\n}\n',
        "imagePullSecrets: [{name: regcred}]\nhub: docker.io/istio\n",
    ],
)
def test_passes_empty_collections_and_image_pull_secret_references(text: str) -> None:
    assert _findings(_configmap({"values.yaml": text})) == []


def test_passes_image_pull_secrets_env_and_key() -> None:
    assert _findings(_deployment(env=[{"name": "IMAGE_PULL_SECRETS", "value": "regcred"}])) == []
    assert _findings(_configmap({"imagePullSecrets": "regcred"})) == []


@pytest.mark.parametrize(
    "text",
    [
        "passwd:         compat\nhosts:          files dns\n",
        "passwd: files systemd\ngroup: files systemd\n",
        "passwd: sss files [NOTFOUND=return] ldap\ngroup: sss files\n",
        'import os\ntoken=os.environ["HF_TOKEN"]\n',
        "import os\ntoken = os.getenv('HF_TOKEN')\n",
        "// the token\ntoken = process.env.API_TOKEN;\n",
        '# java\npassword = System.getenv("DB_PASSWORD")\n',
    ],
)
def test_passes_nsswitch_sources_and_environment_reads(text: str) -> None:
    assert _findings(_configmap({"file": text})) == []


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "MYSQL_ALLOW_EMPTY_PASSWORD", "value": "1"},
        {"name": "MYSQL_ALLOW_EMPTY_PASSWORD", "value": "yes"},
        {"name": "MYSQL_RANDOM_ROOT_PASSWORD", "value": "yes"},
        {"name": "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "value": "0"},
        {"name": "MYSQL_ONETIME_PASSWORD", "value": "on"},
        {"name": "ALLOW_EMPTY_PASSWORD", "value": "YES"},
    ],
)
def test_passes_password_switches(entry: dict[str, Any]) -> None:
    assert _findings(_deployment(env=[entry])) == []


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[db]\npassword = s3cr3t\n", "password"),
        ("# env\nDB_PASSWORD=hunter2\n", "DB_PASSWORD"),
        ("spring.datasource.url=jdbc:h2:mem\nspring.datasource.password=secret\n", "spring.datasource.password"),
        ("hosts: files dns\npasswd: files hunter2\n", "passwd"),  # not only NSS services
        ("[client]\npasswd = s3cr3t\n", "passwd"),
        ('import os\ntoken = os.environ.get("HF_TOKEN", "hf_abc123")\n', "token"),  # a literal default
    ],
)
def test_still_fires_on_literal_passwords_in_config_files(text: str, key: str) -> None:
    [finding] = _findings(_configmap({"file": text}))
    assert f"({key})" in finding.message


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "MYSQL_ALLOW_EMPTY_PASSWORD", "value": "hunter2"},  # a switch name, but not a switch value
        {"name": "MYSQL_ROOT_PASSWORD", "value": "1"},  # a switch value, but a password name
        {"name": "DB_PASSWORD", "value": "hunter2"},
        {"name": "API_TOKEN", "value": "[abc123]"},  # not an empty list
        {"name": "TOKEN_SECONDS_SALT", "value": "hunter2"},  # a unit, but not the last word
    ],
)
def test_fires_on_literal_values_the_new_exceptions_do_not_cover(entry: dict[str, Any]) -> None:
    [finding] = _findings(_deployment(env=[entry]))
    assert finding.path == f"{C0}/env/0/value"


def _doc_example(label: str) -> list[dict[str, Any]]:
    doc = documentation(rule)
    block = doc.split("PASS:", 1)[1].split("FAIL:", 1)[0] if label == "PASS" else doc.split("FAIL:", 1)[1]
    return [d for d in yaml.safe_load_all(textwrap.dedent(block)) if d]


def test_docstring_pass_example_passes_and_fail_example_fires() -> None:
    assert _findings(*_doc_example("PASS")) == []
    assert [f.path for f in _findings(*_doc_example("FAIL"))] == [
        f"{C0}/env/0/value",
        f"{C0}/args/1",
        "/data/application.properties",
    ]


# strimzi examples/metrics/kube-state-metrics/configmap.yaml (kube-state-metrics custom-resource-state config)
KSM_CONFIG = """\
spec:
  resources:
    - groupVersionKind: {group: kafka.strimzi.io, version: v1beta2, kind: KafkaUser}
      metrics:
        - name: resource_info
          each:
            type: Info
            info:
              labelsFromPath:
                username: [ status, username ]
                secret: [ status, secret ]
"""


def test_passes_a_label_read_from_a_field_path_in_a_kube_state_metrics_config() -> None:
    assert _findings(_configmap({"config.yaml": KSM_CONFIG})) == []


@pytest.mark.parametrize("value", ["[hunter2]", "s3cr3t", "'[a b, c]'"])
def test_fires_on_a_literal_next_to_field_paths(value: str) -> None:
    [finding] = _findings(_configmap({"config.yaml": KSM_CONFIG + f"password: {value}\n"}))
    assert "(password)" in finding.message


# Tekton's config/config-tracing.yaml and Knative net-contour's config-contour, as they ship: the
# "_example" key documents settings; Knative's and Tekton's parsers skip it (knative.dev/pkg configmap/example.go)
EXAMPLE_BLOCK = (
    "################################\n"
    "#    EXAMPLE CONFIGURATION     #\n"
    "################################\n"
    "# (optional) Name of the k8s secret which contains basic auth credentials\n"
    'credentialsSecret: "jaeger-creds"\n'
    "# An operator is required to setup a TLSCertificateDelegation for this secret to be used\n"
    'default-tls-secret: "some-namespace/some-secret"\n'
)


def test_passes_the_placeholders_of_a_knative_example_block() -> None:
    assert _findings(_configmap({"_example": EXAMPLE_BLOCK})) == []
    # the same lines as a live config file are still read as credentials
    assert [f.path for f in _findings(_configmap({"config.yaml": EXAMPLE_BLOCK}))] == ["/data/config.yaml"]


def test_fires_on_credential_shaped_values_in_an_example_block() -> None:
    leaked = EXAMPLE_BLOCK + "endpoint: postgresql://mlflow:hunter2@postgres:5432/mlflow\n"
    [finding] = _findings(_configmap({"_example": leaked}))
    assert finding.path == "/data/_example" and "URL" in finding.message


def test_passes_the_names_of_credential_helpers() -> None:
    """Kyverno's admission controller flag (test/conformance/chainsaw/flags/standard/emit-events): a list of
    Docker credential helpers (docker/cli configfile CredentialHelpers), programs that fetch credentials."""
    args = ["--registryCredentialHelpers=default,google,amazon,azure,github", "--credential-helper", "ecr-login"]
    assert _findings(_deployment(args=args)) == []
    # the firing twin: a credential-named flag next to it
    found = _findings(_deployment(args=[*args, "--registryCredential=hunter2"]))
    assert [f.path for f in found] == [f"{C0}/args/3"]


# onedr0p/home-ops kubernetes/apps/default/recyclarr/app/resources/recyclarr.yml, which its kustomization's
# configMapGenerator puts in a ConfigMap: Recyclarr resolves !env_var and !secret when it loads the file
# (recyclarr/recyclarr src/Recyclarr.Core/Config/EnvironmentVariables/EnvironmentVariablesDeserializer.cs)
RECYCLARR = """\
sonarr:
  series:
    base_url: http://sonarr.default.svc.cluster.local
    api_key: {sonarr}
radarr:
  movies:
    base_url: http://radarr.default.svc.cluster.local
    api_key: {radarr}
"""


@pytest.mark.parametrize(
    ("sonarr", "radarr"),
    [
        ("!env_var SONARR_API_KEY", "!env_var RADARR_API_KEY"),
        ("!secret sonarr_apikey", "!secret radarr_apikey"),
        ("!env_var 'SONARR_API_KEY'", '!secret "radarr.apikey"  # from secrets.yml'),
    ],
)
def test_passes_recyclarr_env_var_and_secret_tags(sonarr: str, radarr: str) -> None:
    text = RECYCLARR.format(sonarr=sonarr, radarr=radarr)
    assert _findings(_configmap({"recyclarr.yml": text})) == []


@pytest.mark.parametrize(
    "sonarr",
    [
        "0123456789abcdef0123456789abcdef",  # a literal key
        "!env_var SONARR_API_KEY 0123456789abcdef",  # a literal default when the variable is unset
        "!include sonarr.key",  # another tag: not a reference Recyclarr resolves
    ],
)
def test_fires_on_recyclarr_literal_keys_and_defaults(sonarr: str) -> None:
    text = RECYCLARR.format(sonarr=sonarr, radarr="!env_var RADARR_API_KEY")
    [finding] = _findings(_configmap({"recyclarr.yml": text}))
    assert finding.path == "/data/recyclarr.yml" and "(api_key)" in finding.message


# kubeflow/manifests applications/pipeline/upstream/third-party/mysql/base/mysql-deployment.yaml: mysqld's
# option that loads the mysql_native_password plugin (mysql/mysql-server sql/sql_plugin.cc, construct_options)
@pytest.mark.parametrize(
    "arg",
    [
        "--mysql-native-password=ON",
        "--plugin-mysql-native-password=FORCE",
        "--caching-sha2-password=OFF",
        "--validate-password=FORCE_PLUS_PERMANENT",
    ],
)
def test_passes_mysql_password_plugin_load_options(arg: str) -> None:
    assert _findings(_deployment(args=["--authentication-policy=mysql_native_password", arg])) == []


def test_passes_a_password_plugin_load_option_in_a_my_cnf() -> None:
    assert _findings(_configmap({"my.cnf": "[mysqld]\nvalidate_password=FORCE_PLUS_PERMANENT\n"})) == []


@pytest.mark.parametrize(
    "arg",
    [
        "--mysql-native-password=hunter2",  # not a load option value
        "--password=ON",  # the client's password, not a plugin
        "--root-password=FORCE",
    ],
)
def test_fires_on_password_flags_that_are_no_plugin_load_option(arg: str) -> None:
    assert [f.path for f in _findings(_deployment(args=[arg]))] == [f"{C0}/args/0"]


# kubeflow/manifests applications/pipeline/upstream/base/installs/multi-user/pipelines-profile-controller/
# sync.py, which the kustomization's configMapGenerator puts in a ConfigMap (the Metacontroller hook the
# controller mounts and runs): the access key is created when the hook runs and written into a Secret.
KFP_SYNC_PY = '''\
import base64
import os


def main():
    """Creates a new access key for the namespace."""
    iam = session.client("iam", endpoint_url=os.environ.get("S3_ENDPOINT_URL"))
    s3_access_key = iam.create_access_key(UserName=namespace)
    data = {
        "accesskey": base64.b64encode(s3_access_key["AccessKey"]["AccessKeyId"].encode('utf-8')).decode("utf-8"),
        "secretkey": base64.b64encode(s3_access_key["AccessKey"]["SecretAccessKey"].encode()).decode("utf-8"),
    }
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "mlpipeline-minio-artifact"}, "data": data}
    ref = {"name": "MINIO_SECRET_KEY", "valueFrom": {"secretKeyRef": {"key": "secretkey", "name": secret_name}}}
    secret_key = os.environ["SECRET_KEY"]
    token = f"{prefix}-{secret_key}"
'''


@pytest.mark.parametrize("key", ["sync.py", "hook"])  # the key's suffix, or an import/def in the text
def test_passes_credentials_python_source_computes_at_run_time(key: str) -> None:
    assert _findings(_configmap({key: KFP_SYNC_PY})) == []


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ('password = "hunter2"', "password"),
        ('data = {"secretkey": "abc123"}', "secretkey"),
        ('os.environ.get("TOKEN", "literal")', "TOKEN"),  # a default is a literal, assigned or not
        ('token = os.getenv("HF_TOKEN", default="hf_abc123")', "token"),
        ('os.environ.setdefault("API_TOKEN", "abc123")', "API_TOKEN"),
        ('os.environ["API_TOKEN"] = "abc123"', "API_TOKEN"),
        ('self.api_key: str = "abc123"', "api_key"),
        ('user, password = "admin", "hunter2"', "password"),
        ('password = "hunter2".encode()', "password"),
        ('client = connect(host="db", password="hunter2")', "password"),
        ('def connect(host, password="hunter2"): pass', "password"),
    ],
)
def test_still_fires_on_literal_credentials_in_python_source(line: str, name: str) -> None:
    [finding] = _findings(_configmap({"sync.py": KFP_SYNC_PY + "\n" + line + "\n"}))
    assert f"({name})" in finding.message and finding.path == "/data/sync.py"


@pytest.mark.parametrize(
    ("key", "text"),
    [
        ("config", "[db]\npassword = hunter2\n"),  # an ini file: Python to the parser, but no import/def/class
        ("config", "user: admin\npassword: hunter2\n"),  # YAML: annotations to the parser
        ("settings.py", "import os\nprint 'py2'\npassword = 'hunter2'\n"),  # .py that does not parse
    ],
)
def test_config_files_that_are_not_python_source_keep_the_line_scan(key: str, text: str) -> None:
    [finding] = _findings(_configmap({key: text}))
    assert "(password)" in finding.message
