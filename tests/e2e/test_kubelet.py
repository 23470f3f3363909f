"""The harness's kubelet rules (no processes): $(VAR) expansion, env resolution, ExternalSecret templates.

Expansion cases are ported from kubernetes/kubernetes third_party/forked/golang/expansion/expand_test.go.
"""

from __future__ import annotations

import urllib.parse

import pytest

from e2e import kubelet

CONTEXT = {"VAR_A": "A", "VAR_B": "B", "VAR_C": "C", "VAR_REF": "$(VAR_A)", "VAR_EMPTY": ""}
CASES = [
    ("$(VAR_A)", "A"),
    ("$(VAR_A)-$(VAR_A)", "A-A"),
    ("$(VAR_A)-1", "A-1"),
    ("___$(VAR_B)___", "___B___"),
    ("___$(VAR_C)", "___C"),
    ("$(VAR_A)_$(VAR_B)_$(VAR_C)", "A_B_C"),
    ("$$(VAR_B)_$(VAR_A)", "$(VAR_B)_A"),
    ("$$(VAR_A)_$$(VAR_B)", "$(VAR_A)_$(VAR_B)"),
    ("f000-$$VAR_A", "f000-$VAR_A"),
    ("foo\\$(VAR_C)bar", "foo\\Cbar"),
    ("foo\\\\$(VAR_C)bar", "foo\\\\Cbar"),
    ("$(VAR_A$(VAR_B))", "$(VAR_A$(VAR_B))"),
    ("$(VAR_A$(VAR_B)", "$(VAR_A$(VAR_B)"),
    ("$(VAR_REF)", "$(VAR_A)"),
    ("%%$(VAR_REF)--$(VAR_REF)%%", "%%$(VAR_A)--$(VAR_A)%%"),
    ("foo$(VAR_EMPTY)bar", "foobar"),
    ("foo$(VAR_Awhoops!", "foo$(VAR_Awhoops!"),
    ("f00__(VAR_A)__", "f00__(VAR_A)__"),
    ("$?_boo_$!", "$?_boo_$!"),
    ("$VAR_A", "$VAR_A"),
    ("$(VAR_DNE)", "$(VAR_DNE)"),
    ("$$$$$$(BIG_MONEY)", "$$$(BIG_MONEY)"),
    ("$$$$$$(VAR_A)", "$$$(VAR_A)"),
    ("$$$$$$$(GOOD_ODDS)", "$$$$(GOOD_ODDS)"),
    ("$$$$$$$(VAR_A)", "$$$A"),
    ("$VAR_A)", "$VAR_A)"),
    ("${VAR_A}", "${VAR_A}"),
    ("$(VAR_B)_______$(A", "B_______$(A"),
    ("$(VAR_C)_______$(", "C_______$("),
    ("$(VAR_A)foobarzab$", "Afoobarzab$"),
    ("foo-\\$(VAR_A", "foo-\\$(VAR_A"),
    ("--$($($($($--", "--$($($($($--"),
    ("$($($($($--foo$(", "$($($($($--foo$("),
    ("foo0--$($($($(", "foo0--$($($($("),
    ("$(foo$$var)", "$(foo$$var)"),
    ("\n", "\n"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_expand_matches_kubernetes(text: str, expected: str) -> None:
    assert kubelet.expand(text, kubelet.mapping_func_for(CONTEXT)) == expected


def test_env_expands_only_earlier_values_and_never_secret_values() -> None:
    container = {
        "env": [
            {"name": "LATER_REF", "value": "x-$(USER)"},
            {"name": "USER", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "user"}}},
            {"name": "URI", "value": "postgresql://$(USER):$(PASS)@db/x"},
            {"name": "PASS", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "pass"}}},
            {"name": "FROM_CM", "valueFrom": {"configMapKeyRef": {"name": "cm", "key": "k"}}},
            {"name": "OPT", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "nope", "optional": True}}},
        ]
    }
    env = kubelet.resolve_env(
        container, secrets={"creds": {"user": "$(PASS)", "pass": "p"}}, config_maps={"cm": {"k": "v"}}
    )
    assert env == {
        "LATER_REF": "x-$(USER)",  # USER is declared after it
        "USER": "$(PASS)",  # a Secret's value is taken verbatim
        "URI": "postgresql://$(PASS):$(PASS)@db/x",  # PASS is declared after URI
        "PASS": "p",
        "FROM_CM": "v",
    }
    assert kubelet.expand_argv({"command": ["echo"], "args": ["$(PASS)", "$$(PASS)"]}, env) == ["echo", "p", "$(PASS)"]


def test_missing_secret_key_is_an_error() -> None:
    container = {"env": [{"name": "X", "valueFrom": {"secretKeyRef": {"name": "creds", "key": "nope"}}}]}
    with pytest.raises(kubelet.ResolveError, match="no key 'nope'"):
        kubelet.resolve_env(container, secrets={"creds": {}}, config_maps={})


def test_external_secret_template_percent_encodes_the_password() -> None:
    password = "e2e p@ss%word/ 7+"
    obj = {
        "spec": {
            "data": [{"secretKey": "password", "remoteRef": {"key": "pg", "property": "password"}}],
            "target": {
                "template": {
                    "data": {"plain": "{{ .password }}", "url": '{{ .password | urlquery | replace "+" "%20" }}'}
                }
            },
        }
    }
    data = kubelet.external_secret_data(obj, {"pg": {"password": password}})
    assert data["plain"] == password
    assert data["url"] == "e2e%20p%40ss%25word%2F%207%2B"
    assert urllib.parse.unquote(data["url"]) == password
    with pytest.raises(kubelet.ResolveError, match="not simulated"):
        kubelet.external_secret_data(
            {"spec": {**obj["spec"], "target": {"template": {"data": {"x": "{{ .password | b64enc }}"}}}}},
            {"pg": {"password": password}},
        )
