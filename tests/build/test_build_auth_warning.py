"""build prints a warning for auth: none in a prod environment (allowed, issue 11) and still builds."""

from __future__ import annotations

import io
from pathlib import Path

from build.conftest import FakeRender, RecordingValidator, git
from generator.commands import build


def test_auth_none_in_prod_is_built_with_a_warning(
    repo: Path, fake_render: FakeRender, validator: RecordingValidator
) -> None:
    prod = repo / "environments" / "prod.yaml"
    out = io.StringIO()
    assert build.run(["prod"], out=out, repo=repo, render=fake_render, validator=validator) == 0
    assert "warning:" not in out.getvalue()  # the shipped prod uses auth: basic
    prod.write_text(prod.read_text() + "auth: none\n")
    git(repo, "commit", "-qam", "prod without auth")
    out = io.StringIO()
    assert build.run(["prod"], out=out, repo=repo, render=fake_render, validator=validator) == 0
    lines = [line for line in out.getvalue().splitlines() if line.startswith("warning:")]
    assert lines == [
        "warning: environments/prod.yaml: auth: none in a prod environment: MLflow at https://mlflow.example.com "
        "accepts anyone who reaches it (read every artifact, register model versions that serving loads); "
        "set auth: basic or auth: oidc"
    ]
