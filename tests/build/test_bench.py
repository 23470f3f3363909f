"""bench/generate_bench.py stays runnable: its synthetic environments are valid and it reports the figures."""

from __future__ import annotations

import random
import runpy
from pathlib import Path

import pytest

from generator.config.load import parse_environment

BENCH = Path(__file__).resolve().parents[2] / "bench" / "generate_bench.py"


def test_synthetic_environments_are_valid_and_varied() -> None:
    synthetic_env = runpy.run_path(str(BENCH))["synthetic_env"]
    rng = random.Random(7)
    envs = [parse_environment(synthetic_env(i, rng), name=f"b{i}", source_file=f"b{i}.yaml") for i in range(12)]
    assert {e.profile for e in envs} == {"dev", "staging", "prod"}
    assert len({e.mlflow.replicas for e in envs}) > 1
    assert len({len(e.serving.models) for e in envs}) > 1


def test_bench_reports_time_and_memory(capsys: pytest.CaptureFixture[str]) -> None:
    main = runpy.run_path(str(BENCH))["main"]
    code = main(["-n", "4", "--repeat", "1"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    for label in ("load+render:", "ms/env", "peak (tracemalloc):", "peak RSS:", "generated:"):
        assert label in out
    assert "environments:       4" in out
