"""A CronJob must say what happens when runs overlap and when a schedule is missed.

Decision: a CronJob passes when ``spec.concurrencyPolicy`` is ``Forbid`` or ``Replace`` and
``spec.startingDeadlineSeconds`` is set. The default ``Allow`` starts a new run while the previous one
is still going: two training runs then write to the same experiment and fight for the same GPUs.
Without ``startingDeadlineSeconds`` a schedule missed during a controller outage, a suspension or a
full cluster is started whenever the controller catches up, however late (the nightly training run at
noon, competing with daytime work), and after more than 100 missed schedules the controller only logs
``TooManyMissedTimes``; with a deadline, a run that cannot start in time is skipped. The history limits
are not required: they default to 3 successful and 1 failed Job, which is bounded. One finding per
problem, at the field (or ``/spec``).

PASS:

    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly-train}
    spec:
      schedule: "0 2 * * *"
      concurrencyPolicy: Forbid
      startingDeadlineSeconds: 600
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - {name: train, image: "registry.example.com/train:1.4.0"}

FAIL:

    apiVersion: batch/v1
    kind: CronJob
    metadata: {name: nightly-train}
    spec:
      schedule: "0 2 * * *"
      jobTemplate:
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - {name: train, image: "registry.example.com/train:1.4.0"}
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity, pointer
from generator.validate.rules._helpers import as_dict

ID = "cronjob-concurrency"
CATEGORY = "workloads"
SEVERITY = Severity.WARNING
KINDS: frozenset[str] | None = frozenset({"CronJob"})

_SAFE_POLICIES = frozenset({"Forbid", "Replace"})


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    if obj.kind != "CronJob":
        return ()
    return _check(obj)


def _check(obj: Resource) -> Iterator[Finding]:
    spec = as_dict(obj.obj.get("spec"))
    parent = pointer("spec") if "spec" in obj.obj else ""
    policy = spec.get("concurrencyPolicy")
    if not isinstance(policy, str) or policy not in _SAFE_POLICIES:
        if "concurrencyPolicy" in spec:
            message = f'CronJob "{obj.shown_name}" has concurrencyPolicy {policy!r}; set it to Forbid or Replace.'
            path = pointer("spec", "concurrencyPolicy")
        else:
            message = (
                f'Set spec.concurrencyPolicy to Forbid or Replace on CronJob "{obj.shown_name}" '
                "(the default Allow lets runs overlap)."
            )
            path = parent
        yield Finding(message, path=path)
    deadline = spec.get("startingDeadlineSeconds")
    if not isinstance(deadline, int) or isinstance(deadline, bool):
        yield Finding(
            f'Set spec.startingDeadlineSeconds on CronJob "{obj.shown_name}" '
            "so a missed run is skipped, not started arbitrarily late.",
            path=pointer("spec", "startingDeadlineSeconds") if "startingDeadlineSeconds" in spec else parent,
        )
