"""Ports of k8s.io/apimachinery's validation helpers, each citing its upstream function.

Upstream: kubernetes/kubernetes staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go
(IsDNS1123Label, IsDNS1123Subdomain, IsDNS1035Label, IsQualifiedName, IsValidLabelValue, IsValidPortNum,
IsValidPortName, IsEnvVarName, IsRelaxedEnvVarName, IsConfigMapKey, IsValidIP, IsValidCIDR),
staging/src/k8s.io/apimachinery/pkg/api/resource/quantity.go (ParseQuantity),
staging/src/k8s.io/apimachinery/pkg/api/validation/objectmeta.go (ValidateAnnotations: TotalAnnotationSizeLimitB)
and staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (ValidateLabels,
ValidateLabelSelector).

Each ``is_*`` function returns a list of problems (empty = valid), like upstream's ``[]string``.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Any

from generator.models.flux import with_stand_ins

# ----------------------------------------------------------------------------------------------- names

_DNS1123_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_IANA_SVC_NAME = re.compile(r"[-a-z0-9]+")
_ENV_VAR_NAME = re.compile(r"[-._a-zA-Z][-._a-zA-Z0-9]*")
_CONFIG_MAP_KEY = re.compile(r"[-._a-zA-Z0-9]+")


@lru_cache(maxsize=8192)
def is_dns1123_label(value: str) -> tuple[str, ...]:
    """IsDNS1123Label: at most 63 characters of a-z, 0-9 and '-', starting and ending alphanumeric."""
    out = []
    if len(value) > 63:
        out.append("must be no more than 63 characters")
    if not _DNS1123_LABEL.fullmatch(value):
        out.append(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
            "and must start and end with an alphanumeric character"
        )
    return tuple(out)


@lru_cache(maxsize=8192)
def is_dns1123_subdomain(value: str) -> tuple[str, ...]:
    """IsDNS1123Subdomain: at most 253 characters, dot-separated DNS-1123 labels."""
    out = []
    if len(value) > 253:
        out.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        out.append(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return tuple(out)


@lru_cache(maxsize=8192)
def is_dns1035_label(value: str) -> tuple[str, ...]:
    """IsDNS1035Label: like a DNS-1123 label, but must start with a letter."""
    out = []
    if len(value) > 63:
        out.append("must be no more than 63 characters")
    if not _DNS1035_LABEL.fullmatch(value):
        out.append(
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
            "alphabetic character, and end with an alphanumeric character"
        )
    return tuple(out)


@lru_cache(maxsize=8192)
def is_qualified_name(value: str) -> tuple[str, ...]:
    """IsQualifiedName: ``[prefix/]name``; name <= 63 of [-A-Za-z0-9_.] alphanumeric at both ends; the prefix a
    DNS-1123 subdomain. Label keys, annotation keys and selector keys are qualified names."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        out: list[str] = []
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ("prefix part must be non-empty",)
        out = [f"prefix part {msg}" for msg in is_dns1123_subdomain(prefix)]
    else:
        return (
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.' with an optional "
            "DNS subdomain prefix and '/'",
        )
    if not name:
        out.append("name part must be non-empty")
    elif len(name) > 63:
        out.append("name part must be no more than 63 characters")
    if name and not _QUALIFIED_NAME.fullmatch(name):
        out.append(
            "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
            "with an alphanumeric character"
        )
    return tuple(out)


@lru_cache(maxsize=8192)
def is_valid_label_value(value: str) -> tuple[str, ...]:
    """IsValidLabelValue: empty, or <= 63 of [-A-Za-z0-9_.] starting and ending alphanumeric."""
    out = []
    if len(value) > 63:
        out.append("must be no more than 63 characters")
    if not _LABEL_VALUE.fullmatch(value):
        out.append(
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', "
            "and must start and end with an alphanumeric character"
        )
    return tuple(out)


@lru_cache(maxsize=8192)
def is_valid_port_num(port: int) -> tuple[str, ...]:
    """IsValidPortNum: 1..65535."""
    return () if 1 <= port <= 65535 else ("must be between 1 and 65535, inclusive",)


@lru_cache(maxsize=8192)
def is_valid_port_name(name: str) -> tuple[str, ...]:
    """IsValidPortName (IANA_SVC_NAME, RFC 6335): 1-15 of a-z0-9-, at least one letter, no leading/trailing or
    double '-'."""
    out = []
    if len(name) > 15:
        out.append("must be no more than 15 characters")
    if not _IANA_SVC_NAME.fullmatch(name):
        out.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    elif name.startswith("-") or name.endswith("-"):
        out.append("must not begin or end with a hyphen")
    elif "--" in name:
        out.append("must not contain consecutive hyphens")
    if name and not any(c.isalpha() for c in name):
        out.append("must contain at least one letter (a-z)")
    return tuple(out)


@lru_cache(maxsize=8192)
def is_env_var_name(name: str, *, relaxed: bool) -> tuple[str, ...]:
    """IsEnvVarName (strict) or IsRelaxedEnvVarName (feature RelaxedEnvironmentVariableValidation, on by
    default from Kubernetes 1.32, GA in 1.34: any printable ASCII except '=')."""
    if relaxed:
        if not name:
            return ("environment variable name must not be empty",)
        bad = [c for c in name if not (0x20 <= ord(c) < 0x7F) or c == "="]
        if bad:
            return ("a valid environment variable name must consist only of printable ASCII characters other than '='",)
        return ()
    out = []
    if not _ENV_VAR_NAME.fullmatch(name):
        out.append(
            "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', "
            "or '.', and must not start with a digit"
        )
    if name in (".", "..") or name.startswith(".."):
        out.append("must not be '.' or '..' or start with '..'")
    return tuple(out)


@lru_cache(maxsize=8192)
def is_config_map_key(key: str) -> tuple[str, ...]:
    """IsConfigMapKey: <= 253 of [-._a-zA-Z0-9], not '.', '..' or starting with '..'."""
    out = []
    if len(key) > 253:
        out.append("must be no more than 253 characters")
    if not _CONFIG_MAP_KEY.fullmatch(key):
        out.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.'")
    if key in (".", "..") or key.startswith(".."):
        out.append("must not be '.' or '..' or start with '..'")
    return tuple(out)


def is_valid_cidr(value: str) -> bool:
    """IsValidCIDR (net.ParseCIDR semantics: the host bits may be set)."""
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return "/" in value


# ------------------------------------------------------------------------------------------- quantities

_QUANTITY = re.compile(r"([+-]?)(\d+(?:\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?")
_SUFFIX: dict[str, Fraction] = {
    "": Fraction(1),
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 1000),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}


def parse_quantity(value: Any) -> Fraction | None:
    """resource.ParseQuantity: ``<signedNumber><suffix>`` with binary (Ki..Ei), decimal (n..E) or exponent
    (e3) suffixes; YAML numbers are accepted as they are (the API's IntOrString-like unmarshalling).
    None when the text is not a quantity ("quantities must match the regular expression ...")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return Fraction(value).limit_denominator(10**9)
    if not isinstance(value, str):
        return None
    return _parse_quantity_text(value)


# The same few quantity strings ("100m", "256Mi") come back in every container; Fractions are immutable.
@lru_cache(maxsize=10_000)
def _parse_quantity_text(value: str) -> Fraction | None:
    m = _QUANTITY.fullmatch(value)
    if m is None:
        return None
    sign, number, suffix = m.group(1), m.group(2), m.group(3) or ""
    amount = Fraction(number)
    factor = Fraction(10) ** int(suffix[1:]) if suffix[:1] in ("e", "E") else _SUFFIX[suffix]
    result = amount * factor
    return -result if sign == "-" else result


# -------------------------------------------------------------------------------------------- selectors


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem inside a value: ``path`` relative to the value, ``message`` as upstream words it."""

    path: tuple[str | int, ...]
    message: str


def validate_labels(labels: Any) -> list[Problem]:
    """ValidateLabels: every key a qualified name, every value a valid label value. A value holding a Flux
    or clusterctl variable (``${CLUSTER_NAME}-crs-0``) is checked as applied, each reference replaced
    (:func:`generator.models.flux.with_stand_ins`), as names are; the ``substitute: disabled`` opt-out of
    an object is not seen here (cluster-api's templates: 2 false errors)."""
    out: list[Problem] = []
    if not isinstance(labels, dict):
        return out
    for key, value in labels.items():
        k = str(key)
        problems = is_qualified_name(k)
        if problems:  # (almost never: no list to build per label)
            out += [Problem((k,), f'label key "{k}": {msg}') for msg in problems]
        if isinstance(value, str):
            problems = is_valid_label_value(with_stand_ins(value) if "${" in value else value)
            if problems:
                out += [Problem((k,), f'label value "{value}": {msg}') for msg in problems]
    return out


TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024  # objectmeta.go TotalAnnotationSizeLimitB


def validate_annotations(annotations: Any) -> list[Problem]:
    """ValidateAnnotations: keys are qualified names (lowercased before the check, as upstream does), and
    keys plus values together at most 256 KiB."""
    out: list[Problem] = []
    if not isinstance(annotations, dict):
        return out
    total = 0
    for key, value in annotations.items():
        k = str(key)
        out += [Problem((k,), f'annotation key "{k}": {msg}') for msg in is_qualified_name(k.lower())]
        total += len(k.encode()) + len(str(value if value is not None else "").encode())
    if total > TOTAL_ANNOTATION_SIZE_LIMIT:
        out.append(Problem((), f"annotations are {total} bytes, must have at most {TOTAL_ANNOTATION_SIZE_LIMIT} bytes"))
    return out


_SELECTOR_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(selector: Any) -> list[Problem]:
    """ValidateLabelSelector / ValidateLabelSelectorRequirement: valid matchLabels; an operator from
    In|NotIn|Exists|DoesNotExist; In/NotIn need values, Exists/DoesNotExist must have none; keys are
    qualified names."""
    out: list[Problem] = []
    if not isinstance(selector, dict):
        return out
    out += [Problem(("matchLabels", *p.path), p.message) for p in validate_labels(selector.get("matchLabels"))]
    exprs = selector.get("matchExpressions")
    for i, req in enumerate(exprs if isinstance(exprs, list) else []):
        if not isinstance(req, dict):
            continue
        where = ("matchExpressions", i)
        op, values, key = req.get("operator"), req.get("values"), req.get("key")
        count = len(values) if isinstance(values, list) else 0
        if op in ("In", "NotIn") and count == 0:
            out.append(Problem((*where, "values"), f"must be specified when `operator` is '{op}'"))
        elif op in ("Exists", "DoesNotExist") and count > 0:
            out.append(Problem((*where, "values"), f"may not be specified when `operator` is '{op}'"))
        elif op not in _SELECTOR_OPERATORS:
            out.append(
                Problem(
                    (*where, "operator"),
                    f'unsupported operator "{op}": supported values are ' + ", ".join(_SELECTOR_OPERATORS),
                )
            )
        if isinstance(key, str):
            out += [Problem((*where, "key"), f'key "{key}": {msg}') for msg in is_qualified_name(key)]
    return out


def selector_matches(selector: Any, labels: dict[str, str]) -> bool:
    """metav1.LabelSelectorAsSelector(selector).Matches(labels). An empty selector matches everything."""
    if not isinstance(selector, dict):
        return True
    match_labels = selector.get("matchLabels")
    if isinstance(match_labels, dict):
        for k, v in match_labels.items():
            if labels.get(str(k)) != str(v):
                return False
    exprs = selector.get("matchExpressions")
    for req in exprs if isinstance(exprs, list) else []:
        if not isinstance(req, dict):
            continue
        key, op = str(req.get("key", "")), req.get("operator")
        values = [str(v) for v in req.get("values") or []] if isinstance(req.get("values"), list) else []
        if op == "In" and labels.get(key) not in values:
            return False
        if op == "NotIn" and key in labels and labels[key] in values:
            return False
        if op == "Exists" and key not in labels:
            return False
        if op == "DoesNotExist" and key in labels:
            return False
    return True


def selector_is_empty(selector: Any) -> bool:
    """A selector with neither matchLabels nor matchExpressions (it selects everything)."""
    if not isinstance(selector, dict):
        return True
    return not selector.get("matchLabels") and not selector.get("matchExpressions")
