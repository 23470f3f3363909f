"""Shared test setup. Its presence puts tests/ on sys.path, so helpers such as ``sample_envs`` import."""

from __future__ import annotations

import pytest

from generator.compiled import stale_modules


def pytest_sessionstart(session: pytest.Session) -> None:
    """Refuse to test a stale build: after an editable install compiled the validator (setup.py), an
    edited ``.py`` is shadowed by its older compiled module, and a module taken off the compiled list keeps
    its old build; the tests would run the old code."""
    stale = stale_modules()
    if stale:
        raise pytest.UsageError(
            "compiled modules that would run other code than their sources: "
            f"{', '.join(stale[:5])}{' ...' if len(stale) > 5 else ''}; "
            "rebuild with `python3 -m pip install -e '.[test]'`, or install with GITOPS_GEN_PURE_PYTHON=1 "
            "to run the sources as they are (README, Development)"
        )
