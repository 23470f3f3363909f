"""An object named by ``metadata.generateName`` is shown as its prefix and ``*`` (the API server appends five
random characters: k8s.io/apiserver pkg/storage/names/generate.go), not as an empty name; lookups by name
still see no name, so two such Jobs are no duplicates."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from generator.commands import validate as validate_cmd
from generator.validate.model import Resource

JOB = """\
apiVersion: batch/v1
kind: Job
metadata: {generateName: migrate-, namespace: ml}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: m, image: "busybox:1.36", command: ["true"]}]
"""


def _findings(tmp_path: Path, fmt: str = "json") -> Any:
    out = io.StringIO()
    validate_cmd.run([str(tmp_path)], out=out, repo=tmp_path, fmt=fmt, jobs=1)
    return json.loads(out.getvalue())["findings"] if fmt == "json" else out.getvalue()


def test_shown_name() -> None:
    named = Resource({"kind": "Job", "metadata": {"name": "a", "generateName": "b-"}}, "f")
    generated = Resource({"kind": "Job", "metadata": {"generateName": "migrate-"}}, "f")
    assert (named.shown_name, generated.shown_name, generated.name) == ("a", "migrate-*", "")
    assert generated.ref.name == "migrate-*"
    assert Resource({"kind": "Job", "metadata": {"generateName": 3}}, "f").shown_name == ""


def test_findings_name_the_prefix_and_two_such_jobs_are_no_duplicates(tmp_path: Path) -> None:
    (tmp_path / "job.yaml").write_text(JOB + "---\n" + JOB)
    findings = _findings(tmp_path)
    assert "duplicate-resource" not in {f["rule"] for f in findings}
    assert "invalid-name" not in {f["rule"] for f in findings}
    assert {f["resource"]["name"] for f in findings} == {"migrate-*"}
    ttl = [f["message"] for f in findings if f["rule"] == "job-ttl"]
    assert ttl and all('Job "migrate-*"' in m for m in ttl)
    text = _findings(tmp_path, fmt="text")
    assert "(Job ml/migrate-* at " in text and "Job ml/ at" not in text
