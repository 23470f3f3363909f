"""The metric names and label names a PromQL expression reads (enough PromQL for dashboard queries)."""

from __future__ import annotations

import re

# Functions, aggregation operators and keywords (prometheus/prometheus promql/parser/functions.go and
# lex.go): identifiers that are never metric names.
KEYWORDS = frozenset(
    {
        "sum", "avg", "min", "max", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
        "group", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
        "offset", "rate", "irate", "increase", "delta", "idelta", "deriv", "histogram_quantile", "abs", "ceil",
        "floor", "round", "clamp_min", "clamp_max", "label_replace", "label_join", "time", "vector", "scalar",
        "absent", "changes", "resets", "sort", "sort_desc", "avg_over_time", "max_over_time",
        "min_over_time", "sum_over_time", "count_over_time", "last_over_time", "predict_linear",
    }
)  # fmt: skip
# Labels Prometheus adds to every scraped series from the ServiceMonitor's target (prometheus-operator
# pkg/prometheus/promcfg.go relabelings: namespace, service, pod, container, endpoint; Prometheus itself:
# job, instance): the application never exposes them.
TARGET_LABELS = frozenset({"namespace", "service", "pod", "container", "endpoint", "job", "instance"})

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_RANGE = re.compile(r"\[[^\]]*\]")
_MATCHERS = re.compile(r"\{([^}]*)\}")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring)\s*\(([^)]*)\)")
_IDENT = re.compile(r"[A-Za-z_:][A-Za-z0-9_:]*")


def metrics_and_labels(expr: str) -> tuple[set[str], set[str]]:
    """(metric names, label names) used by ``expr``; label names include target labels."""
    text = _STRING.sub('""', expr)
    text = _RANGE.sub("", text)
    labels: set[str] = set()
    for body in _MATCHERS.findall(text):
        labels.update(m.group(0) for m in re.finditer(r"[A-Za-z_][A-Za-z0-9_]*(?=\s*(?:=~|!~|!=|=))", body))
    for body in _GROUPING.findall(text):
        labels.update(x.strip() for x in body.split(",") if x.strip())
    text = _MATCHERS.sub("", _GROUPING.sub("", text))
    text = re.sub(r"\b\d+(?:\.\d+)?\b", "", text)
    metrics = {m for m in _IDENT.findall(text) if m not in KEYWORDS}
    return metrics, labels


def exposition_labels(text: str) -> dict[str, set[str]]:
    """Metric name -> the label names its samples carry, from a Prometheus text exposition."""
    out: dict[str, set[str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s", line)
        if m is None:
            continue
        names = set(re.findall(r'([A-Za-z_][A-Za-z0-9_]*)="(?:[^"\\]|\\.)*"', m.group(3) or ""))
        out.setdefault(m.group(1), set()).update(names)
    return out
