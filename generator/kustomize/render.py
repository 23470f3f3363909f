"""Runs real kustomize: the only caller of it in the codebase."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from generator.errors import RenderError

TIMEOUT_SECONDS = 120


def kustomize_command() -> list[str]:
    """``kustomize build`` when kustomize is on PATH, else ``kubectl kustomize``; RenderError if neither."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    raise RenderError("neither kustomize nor kubectl is on PATH (install one to render overlays)")


# kustomize's deprecation warnings, one line each: api/types/kustomization.go (kubernetes-sigs/kustomize),
# CheckDeprecatedFields, e.g. "# Warning: 'bases' is deprecated. Please use 'resources' instead. Run
# 'kustomize edit fix' to update your Kustomization automatically." (v5.5.0 also warns on commonLabels).
DEPRECATION_WARNING = re.compile(r"^# Warning: '(\w+)' is deprecated\b.*$")


def kustomize_build(path: Path, *, allow_deprecations: bool = False) -> str:
    """The rendered YAML stream of the kustomization at ``path``; RenderError (one line) on failure.

    Anything kustomize prints on stderr while succeeding is treated as a failure, so the generated tree
    stays warning-free; with ``allow_deprecations`` kustomize's deprecated-field warnings are dropped (the
    ``kustomize-deprecated`` rule reports each field at its file and line instead).
    """
    from generator.kustomize.remote import refuse_remote

    refuse_remote(path)  # before kustomize can block on the network
    cmd = [*kustomize_command(), str(path)]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(f"{path}: kustomize timed out after {TIMEOUT_SECONDS}s") from None
    except OSError as exc:
        raise RenderError(f"{path}: cannot run {cmd[0]}: {exc.strerror or exc}") from None
    lines = result.stderr.splitlines()
    if allow_deprecations and result.returncode == 0:
        lines = [line for line in lines if not DEPRECATION_WARNING.match(line.strip())]
    stderr = " ".join(" ".join(lines).split())
    if result.returncode != 0:
        raise RenderError(f"{path}: kustomize failed: {stderr or f'exit code {result.returncode}'}")
    if stderr:
        raise RenderError(f"{path}: kustomize printed warnings: {stderr}")
    return result.stdout
