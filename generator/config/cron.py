"""The cron syntax check of ``training.schedule``: whether a Kubernetes CronJob accepts a schedule (five
fields or a macro), with the bounds the API server applies. The JSON Schema's ``cron`` format
(:mod:`generator.config.read`) calls :func:`is_cron`.
"""

from __future__ import annotations

_CRON_MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (low, high, names) per field: minute, hour, day of month, month, day of week. The API server parses
# CronJob schedules with robfig/cron/v3 (spec.go bounds): day of week is 0-6, "7" is rejected.
_CRON_FIELDS: tuple[tuple[int, int, tuple[str, ...]], ...] = (
    (0, 59, ()),
    (0, 23, ()),
    (1, 31, ()),
    (1, 12, _MONTHS),
    (0, 6, _DAYS),
)


def _cron_value(token: str, low: int, high: int, names: tuple[str, ...]) -> int | None:
    if token.isdigit():
        value = int(token)
        return value if low <= value <= high else None
    lowered = token.lower()
    if lowered in names:
        return names.index(lowered) + (1 if names is _MONTHS else 0)
    return None


def is_cron(expr: str) -> bool:
    """True when ``expr`` is a schedule Kubernetes CronJobs accept (5 fields or a macro)."""
    expr = expr.strip()
    if expr in _CRON_MACROS:
        return True
    fields = expr.split()
    if len(fields) != 5:
        return False
    for text, (low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for part in text.split(","):
            base, _, step = part.partition("/")
            if step and (not step.isdigit() or int(step) == 0):
                return False
            if base in ("*", "?"):
                continue
            start, dash, end = base.partition("-")
            first = _cron_value(start, low, high, names)
            if first is None:
                return False
            if dash:
                last = _cron_value(end, low, high, names)
                if last is None or last < first:
                    return False
    return True
