"""The shipped overlays pass the project's own validation with zero errors and zero warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config.model import Environment
from generator.validate.engine import validate_overlay
from generator.validate.model import Severity
from kustomize.conftest import SHIPPED


@pytest.mark.parametrize("env", SHIPPED)
def test_shipped_overlay_has_no_errors_or_warnings(
    env: str, tree_dir: Path, shipped_envs: dict[str, Environment]
) -> None:
    report = validate_overlay(tree_dir, shipped_envs[env])
    assert report.resources > 0
    bad = [f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)]
    assert bad == [], "\n".join(f"{f.rule} {f.resource}: {f.message}" for f in bad)


def test_alternative_providers_validate_clean(tmp_path: Path) -> None:
    from generator.config.load import parse_environment
    from generator.kustomize.emit import render_tree
    from kustomize.conftest import write_tree
    from kustomize.test_tree import ALTERNATIVE

    env = parse_environment(ALTERNATIVE, name="alt", source_file="environments/alt.yaml")
    report = validate_overlay(write_tree(render_tree([env]), tmp_path), env)
    assert report.resources > 0
    assert [f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING)] == []
