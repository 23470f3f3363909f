"""Workload kinds: Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet (apps) and Job, CronJob (batch).

Upstream: kubernetes/kubernetes pkg/apis/apps/validation/validation.go (ValidateDeploymentSpec,
ValidateStatefulSetSpec, ValidateDaemonSetSpec, ValidateReplicaSetSpec, ValidatePodTemplateSpecForReplicaSet,
ValidateRollingUpdateDeployment, ValidateDeploymentStrategy), pkg/apis/batch/validation/validation.go
(validateJobSpec, ValidateCronJobSpec, validateScheduleFormat, validateTimeZone, validateConcurrencyPolicy)
and the cron parser the API server uses, github.com/robfig/cron/v3 parser.go (ParseStandard) and spec.go
(field bounds; day-of-week is 0-6).
"""

from __future__ import annotations

import re
import zoneinfo
from functools import cache
from typing import Any

from generator.models.kube_apiserver import apimachinery as am
from generator.models.kube_apiserver.base import Options, Path, Violation, d, lst, num, text
from generator.models.kube_apiserver.pods import validate_pod_spec

APPS = "pkg/apis/apps/validation/validation.go:"
BATCH = "pkg/apis/batch/validation/validation.go:"
CORE = "pkg/apis/core/validation/validation.go:"


def validate_template(tmpl: dict[str, Any], base: Path, opts: Options) -> list[Violation]:
    """ValidatePodTemplateSpec: template metadata labels/annotations, then the pod spec."""
    out: list[Violation] = []
    meta = d(tmpl.get("metadata"))
    for p in am.validate_labels(meta.get("labels")):
        out.append(Violation((*base, "metadata", "labels", *p.path), p.message, CORE + "ValidateObjectMeta"))
    for p in am.validate_annotations(meta.get("annotations")):
        out.append(Violation((*base, "metadata", "annotations", *p.path), p.message, CORE + "ValidateObjectMeta"))
    out += validate_pod_spec(d(tmpl.get("spec")), (*base, "spec"), opts)
    return out


def _selector_and_template(spec: dict[str, Any], kind: str, out: list[Violation]) -> None:
    """ValidateDeploymentSpec & co.: selector required and non-empty, valid, and it selects the template's
    labels ("`selector` does not match template `labels`")."""
    selector = spec.get("selector")
    if not isinstance(selector, dict):
        out.append(
            Violation(("spec", "selector"), "selector is required (Required value)", APPS + f"Validate{kind}Spec")
        )
        return
    for p in am.validate_label_selector(selector):
        out.append(
            Violation(("spec", "selector", *p.path), p.message, APPS + f"Validate{kind}Spec (ValidateLabelSelector)")
        )
    if am.selector_is_empty(selector):
        out.append(
            Violation(
                ("spec", "selector"), f"empty selector is invalid for {kind.lower()}", APPS + f"Validate{kind}Spec"
            )
        )
        return
    labels = {str(k): str(v) for k, v in d(d(d(spec.get("template")).get("metadata")).get("labels")).items()}
    if not am.selector_matches(selector, labels):
        out.append(
            Violation(
                ("spec", "template", "metadata", "labels"),
                "`selector` does not match template `labels`",
                APPS + f"Validate{kind}Spec",
            )
        )


def _restart_always(spec: dict[str, Any], kind: str, out: list[Violation]) -> None:
    """ValidatePodTemplateSpecForReplicaSet/StatefulSet, ValidateDaemonSetSpec: restartPolicy must be Always."""
    policy = d(d(spec.get("template")).get("spec")).get("restartPolicy")
    if policy is not None and policy != "Always":
        out.append(
            Violation(
                ("spec", "template", "spec", "restartPolicy"),
                f'unsupported value "{policy}": a {kind} only allows "Always"',
                APPS + "ValidatePodTemplateSpecForReplicaSet",
            )
        )


def _nonneg(spec: dict[str, Any], fields: tuple[str, ...], base: Path, upstream: str, out: list[Violation]) -> None:
    for field in fields:
        value = num(spec.get(field))
        if value is not None and value < 0:
            out.append(Violation((*base, field), "must be greater than or equal to 0", upstream))


def _int_or_percent(value: Any) -> tuple[int, bool] | None:
    """An IntOrString that is a count or a percentage: (number, is_percent); None when malformed."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, False
    if isinstance(value, str):
        m = re.fullmatch(r"(\d+)%", value)
        if m:
            return int(m.group(1)), True
        if value.isdigit():
            return int(value), False
    return None


def validate_int_or_percent(value: Any, where: Path, upstream: str, out: list[Violation]) -> tuple[int, bool] | None:
    """ValidatePositiveIntOrPercent + IsNotMoreThan100Percent."""
    if value is None:
        return None
    parsed = _int_or_percent(value)
    if parsed is None:
        out.append(Violation(where, f'"{value}" must be an integer or a percentage (e.g. 25%)', upstream))
        return None
    number, percent = parsed
    if number < 0:
        out.append(Violation(where, "must be greater than or equal to 0", upstream))
    if percent and number > 100:
        out.append(Violation(where, "must not be greater than 100%", upstream))
    return parsed


def _rolling(ru: dict[str, Any], base: Path, upstream: str, out: list[Violation]) -> None:
    """ValidateRollingUpdateDeployment: maxUnavailable and maxSurge valid and not both 0."""
    unavailable = validate_int_or_percent(ru.get("maxUnavailable"), (*base, "maxUnavailable"), upstream, out)
    surge = validate_int_or_percent(ru.get("maxSurge"), (*base, "maxSurge"), upstream, out)
    if unavailable is not None and surge is not None and unavailable[0] == 0 and surge[0] == 0:
        out.append(Violation((*base, "maxUnavailable"), "may not be 0 when `maxSurge` is 0", upstream))


def validate_replicationcontroller(obj: dict[str, Any], opts: Options) -> list[Violation]:
    """ValidateReplicationControllerSpec and ValidatePodTemplateSpecForRC (pkg/apis/core/validation/
    validation.go): a template is required, the selector is non-empty and selects the template's labels, and
    the template's restartPolicy is Always. v1 defaulting runs first (pkg/apis/core/v1/defaults.go
    SetDefaults_ReplicationController): an empty selector becomes the template's labels."""
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    template = spec.get("template")
    labels = {str(k): str(v) for k, v in d(d(d(template).get("metadata")).get("labels")).items()}
    selector = {str(k): str(v) for k, v in d(spec.get("selector")).items()} or labels
    if not selector:
        out.append(
            Violation(("spec", "selector"), "selector is required (Required value)", CORE + "ValidateNonEmptySelector")
        )
    _nonneg(spec, ("replicas", "minReadySeconds"), ("spec",), CORE + "ValidateReplicationControllerSpec", out)
    if not isinstance(template, dict):
        out.append(
            Violation(
                ("spec", "template"), "template is required (Required value)", CORE + "ValidatePodTemplateSpecForRC"
            )
        )
        return out
    if selector and any(labels.get(k) != v for k, v in selector.items()):
        out.append(
            Violation(
                ("spec", "template", "metadata", "labels"),
                "`selector` does not match template `labels`",
                CORE + "ValidatePodTemplateSpecForRC",
            )
        )
    policy = d(template.get("spec")).get("restartPolicy")
    if policy is not None and policy != "Always":
        out.append(
            Violation(
                ("spec", "template", "spec", "restartPolicy"),
                f'unsupported value "{policy}": a ReplicationController only allows "Always"',
                CORE + "ValidatePodTemplateSpecForRC",
            )
        )
    return out


def validate_deployment(obj: dict[str, Any], opts: Options) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    _selector_and_template(spec, "Deployment", out)
    _restart_always(spec, "Deployment", out)
    _nonneg(
        spec, ("replicas", "minReadySeconds", "revisionHistoryLimit"), ("spec",), APPS + "ValidateDeploymentSpec", out
    )
    strategy = d(spec.get("strategy"))
    stype = strategy.get("type", "RollingUpdate")
    if stype not in ("Recreate", "RollingUpdate"):
        out.append(
            Violation(
                ("spec", "strategy", "type"),
                f'unsupported value "{stype}": Recreate or RollingUpdate',
                APPS + "ValidateDeploymentStrategy",
            )
        )
    if stype == "Recreate" and strategy.get("rollingUpdate") is not None:
        out.append(
            Violation(
                ("spec", "strategy", "rollingUpdate"),
                "may not be specified when strategy `type` is 'Recreate'",
                APPS + "ValidateDeploymentStrategy",
            )
        )
    elif stype == "RollingUpdate":
        _rolling(
            d(strategy.get("rollingUpdate")),
            ("spec", "strategy", "rollingUpdate"),
            APPS + "ValidateRollingUpdateDeployment",
            out,
        )
    deadline, ready = num(spec.get("progressDeadlineSeconds")), num(spec.get("minReadySeconds")) or 0
    if deadline is not None and deadline <= ready:
        out.append(
            Violation(
                ("spec", "progressDeadlineSeconds"),
                "must be greater than minReadySeconds",
                APPS + "ValidateDeploymentSpec",
            )
        )
    out += validate_template(d(spec.get("template")), ("spec", "template"), opts)
    return out


def validate_replicaset(obj: dict[str, Any], opts: Options) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    _selector_and_template(spec, "ReplicaSet", out)
    _restart_always(spec, "ReplicaSet", out)
    _nonneg(spec, ("replicas", "minReadySeconds"), ("spec",), APPS + "ValidateReplicaSetSpec", out)
    out += validate_template(d(spec.get("template")), ("spec", "template"), opts)
    return out


def validate_statefulset(obj: dict[str, Any], opts: Options) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    _selector_and_template(spec, "StatefulSet", out)
    _restart_always(spec, "StatefulSet", out)
    _nonneg(
        spec, ("replicas", "minReadySeconds", "revisionHistoryLimit"), ("spec",), APPS + "ValidateStatefulSetSpec", out
    )
    policy = spec.get("podManagementPolicy")
    if policy is not None and policy not in ("OrderedReady", "Parallel"):
        out.append(
            Violation(
                ("spec", "podManagementPolicy"),
                f'unsupported value "{policy}": OrderedReady or Parallel',
                APPS + "ValidateStatefulSetSpec",
            )
        )
    strategy = d(spec.get("updateStrategy"))
    stype = strategy.get("type", "RollingUpdate")
    if stype not in ("RollingUpdate", "OnDelete"):
        out.append(
            Violation(
                ("spec", "updateStrategy", "type"),
                f'unsupported value "{stype}": RollingUpdate or OnDelete',
                APPS + "ValidateStatefulSetUpdateStrategy",
            )
        )
    if stype == "OnDelete" and strategy.get("rollingUpdate") is not None:
        out.append(
            Violation(
                ("spec", "updateStrategy", "rollingUpdate"),
                "only allowed for updateStrategy 'RollingUpdate'",
                APPS + "ValidateStatefulSetUpdateStrategy",
            )
        )
    names: set[str] = set()
    for i, pvc in enumerate(lst(spec.get("volumeClaimTemplates"))):
        name = text(d(d(pvc).get("metadata")).get("name"))
        where: Path = ("spec", "volumeClaimTemplates", i, "metadata", "name")
        if not name:
            out.append(Violation(where, "volumeClaimTemplate name is required", APPS + "ValidateStatefulSetSpec"))
        elif name in names:
            out.append(Violation(where, f'duplicate volumeClaimTemplate "{name}"', APPS + "ValidateStatefulSetSpec"))
        names.add(name)
        if not lst(d(d(pvc).get("spec")).get("accessModes")):
            out.append(
                Violation(
                    ("spec", "volumeClaimTemplates", i, "spec", "accessModes"),
                    "at least 1 access mode is required",
                    CORE + "ValidatePersistentVolumeClaimSpec",
                )
            )
    # a claim template counts as a volume of the pod (the controller adds it): mounts may name it
    tmpl = d(spec.get("template"))
    if names:
        pod_spec = dict(d(tmpl.get("spec")))
        extra = [{"name": n, "persistentVolumeClaim": {"claimName": n}} for n in sorted(names)]
        known = {text(d(v).get("name")) for v in lst(pod_spec.get("volumes"))}
        pod_spec["volumes"] = [*lst(pod_spec.get("volumes")), *[v for v in extra if v["name"] not in known]]
        tmpl = {**tmpl, "spec": pod_spec}
    out += validate_template(tmpl, ("spec", "template"), opts)
    return out


def validate_daemonset(obj: dict[str, Any], opts: Options) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    _selector_and_template(spec, "DaemonSet", out)
    _restart_always(spec, "DaemonSet", out)
    _nonneg(spec, ("minReadySeconds", "revisionHistoryLimit"), ("spec",), APPS + "ValidateDaemonSetSpec", out)
    strategy = d(spec.get("updateStrategy"))
    stype = strategy.get("type", "RollingUpdate")
    if stype not in ("RollingUpdate", "OnDelete"):
        out.append(
            Violation(
                ("spec", "updateStrategy", "type"),
                f'unsupported value "{stype}": RollingUpdate or OnDelete',
                APPS + "ValidateDaemonSetUpdateStrategy",
            )
        )
    if stype == "RollingUpdate":
        _rolling(
            d(strategy.get("rollingUpdate")),
            ("spec", "updateStrategy", "rollingUpdate"),
            APPS + "ValidateRollingUpdateDaemonSet",
            out,
        )
    out += validate_template(d(spec.get("template")), ("spec", "template"), opts)
    return out


def validate_pod(obj: dict[str, Any], opts: Options) -> list[Violation]:
    return validate_pod_spec(d(obj.get("spec")), ("spec",), opts, pod=True)


# ------------------------------------------------------------------------------------------------ batch


def _job_spec(spec: dict[str, Any], base: Path, opts: Options, *, in_cronjob: bool) -> list[Violation]:
    """validateJobSpec: restartPolicy OnFailure|Never, non-negative counters, a generated selector."""
    out: list[Violation] = []
    _nonneg(
        spec,
        ("parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished"),
        base,
        BATCH + "validateJobSpec",
        out,
    )
    deadline = num(spec.get("activeDeadlineSeconds"))
    if deadline is not None and deadline <= 0:
        out.append(Violation((*base, "activeDeadlineSeconds"), "must be greater than 0", BATCH + "validateJobSpec"))
    tmpl = d(spec.get("template"))
    policy = d(tmpl.get("spec")).get("restartPolicy")
    if policy not in ("OnFailure", "Never"):
        shown = "unset (defaults to Always)" if policy is None else f'"{policy}"'
        out.append(
            Violation(
                (*base, "template", "spec", "restartPolicy"),
                f'restartPolicy is {shown}: a Job needs "OnFailure" or "Never"',
                BATCH + "validateJobSpec",
            )
        )
    if spec.get("completionMode") == "Indexed" and spec.get("completions") is None:
        out.append(
            Violation(
                (*base, "completions"),
                "when completion mode is Indexed, completions is required",
                BATCH + "validateJobSpec",
            )
        )
    if spec.get("selector") is not None and (in_cronjob or spec.get("manualSelector") is not True):
        out.append(
            Violation(
                (*base, "selector"),
                "`selector` will be auto-generated (set manualSelector: true to choose it yourself)",
                BATCH + "validateJobSpec",
            )
        )
    out += validate_template(tmpl, (*base, "template"), opts)
    return out


def validate_job(obj: dict[str, Any], opts: Options) -> list[Violation]:
    return _job_spec(d(obj.get("spec")), ("spec",), opts, in_cronjob=False)


def validate_cronjob(obj: dict[str, Any], opts: Options) -> list[Violation]:
    spec = d(obj.get("spec"))
    out: list[Violation] = []
    schedule = spec.get("schedule")
    if not isinstance(schedule, str) or not schedule:
        out.append(Violation(("spec", "schedule"), "schedule is required", BATCH + "ValidateCronJobSpec"))
    else:
        problem = cron_problem(schedule)
        if problem:
            out.append(Violation(("spec", "schedule"), f'"{schedule}": {problem}', BATCH + "validateScheduleFormat"))
        if "TZ" in schedule:
            out.append(
                Violation(
                    ("spec", "schedule"),
                    "cannot use TZ or CRON_TZ in schedule, use timeZone field instead",
                    BATCH + "validateScheduleFormat",
                )
            )
    tz = spec.get("timeZone")
    if isinstance(tz, str):
        problem = time_zone_problem(tz)
        if problem:
            out.append(Violation(("spec", "timeZone"), f'"{tz}": {problem}', BATCH + "validateTimeZone"))
    policy = spec.get("concurrencyPolicy")
    if policy is not None and policy not in ("Allow", "Forbid", "Replace"):
        out.append(
            Violation(
                ("spec", "concurrencyPolicy"),
                f'unsupported value "{policy}": Allow, Forbid or Replace',
                BATCH + "validateConcurrencyPolicy",
            )
        )
    _nonneg(
        spec,
        ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"),
        ("spec",),
        BATCH + "ValidateCronJobSpec",
        out,
    )
    job = d(spec.get("jobTemplate"))
    out += _job_spec(d(job.get("spec")), ("spec", "jobTemplate", "spec"), opts, in_cronjob=True)
    return out


# ------------------------------------------------------------------------------------------------- cron

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# robfig/cron/v3 spec.go bounds: minutes, hours, dom, months, dow (0-6: "7" is an error, not Sunday)
_BOUNDS: tuple[tuple[str, int, int, dict[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day of month", 1, 31, {}),
    ("month", 1, 12, {m: i + 1 for i, m in enumerate(_MONTHS)}),
    ("day of week", 0, 6, {w: i for i, w in enumerate(_DAYS)}),
)
_DESCRIPTORS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_DURATION = re.compile(r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+")


def cron_problem(schedule: str) -> str:
    """robfig/cron/v3 ParseStandard: '' when the schedule parses, else the reason."""
    spec = schedule.strip()
    if spec.startswith("TZ=") or spec.startswith("CRON_TZ="):
        spec = spec.split(None, 1)[1] if " " in spec else ""
    if spec.startswith("@"):
        if spec in _DESCRIPTORS:
            return ""
        if spec.startswith("@every "):
            return "" if _DURATION.fullmatch(spec[7:].strip()) else "failed to parse duration"
        return f"unrecognized descriptor: {spec}"
    fields = spec.split()
    if len(fields) != 5:
        return f"expected exactly 5 fields, found {len(fields)}"
    for value, (label, low, high, names) in zip(fields, _BOUNDS, strict=True):
        for part in value.split(","):
            problem = _cron_range(part, low, high, names)
            if problem:
                return f"{label}: {problem}"
    return ""


def _cron_range(expr: str, low: int, high: int, names: dict[str, int]) -> str:
    rng, slash, step_text = expr.partition("/")
    if rng in ("*", "?"):
        start, end = low, high
    else:
        lo, dash, hi = rng.partition("-")
        first, last = _cron_value(lo, names), _cron_value(hi, names) if dash else None
        if first is None or (dash and last is None):
            return f"failed to parse int from {expr}"
        start, end = first, last if last is not None else first
        if slash and not dash:
            end = high
    if slash and (not step_text.isdigit() or int(step_text) == 0):
        return f"step of range should be a positive number: {expr}"
    if start < low:
        return f"beginning of range ({start}) below minimum ({low}): {expr}"
    if end > high:
        return f"end of range ({end}) above maximum ({high}): {expr}"
    if start > end:
        return f"beginning of range ({start}) beyond end of range ({end}): {expr}"
    return ""


def _cron_value(token: str, names: dict[str, int]) -> int | None:
    if token.lower() in names:
        return names[token.lower()]
    return int(token) if token.isdigit() else None


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone_problem(tz: str) -> str:
    """validateTimeZone: not empty, not 'Local' (not explicit), a name from the IANA database."""
    if not tz:
        return "timeZone must be a non-empty IANA time zone name"
    if tz.lower() == "local":
        return "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"
    zones = _zones()
    if zones and tz not in zones and tz != "UTC":
        return "unknown time zone (not in the IANA time zone database)"
    return ""
