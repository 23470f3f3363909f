"""Runs real kustomize: the only caller of it in the codebase."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from generator.errors import KustomizeRefused, RenderError

TIMEOUT_SECONDS = 120


def kustomize_command() -> list[str]:
    """``kustomize build`` when kustomize is on PATH, else ``kubectl kustomize``; RenderError if neither."""
    if shutil.which("kustomize"):
        return ["kustomize", "build"]
    if shutil.which("kubectl"):
        return ["kubectl", "kustomize"]
    raise RenderError("neither kustomize nor kubectl is on PATH (install one to render overlays)")


def kustomize_build(path: Path, *, strict: bool = True) -> str:
    """The rendered YAML stream of the kustomization at ``path``; RenderError (one line) on failure.

    ``strict`` (``build``, on the tree gitops-gen generates): anything kustomize prints on stderr while
    succeeding is a failure too, so the generated tree stays warning-free.

    Not ``strict`` (``validate``, on any repository): a render that exits 0 is validated whatever kustomize
    logged on stderr, because that is what Argo CD syncs. Its repo-server runs ``kustomize build`` through
    ``executil.Run`` (argoproj/argo-cd util/kustomize/kustomize.go, ``Build``), which returns stdout alone
    and puts stderr into the error only when the command fails (util/exec/exec.go, ``RunCommandExt``:
    ``CaptureStderr`` is off by default). kustomize logs a deprecated field (the ``kustomize-deprecated``
    rule reports it at its file and line) or vars it never replaced (``log.Printf`` in kubernetes-sigs/
    kustomize api/internal/accumulator/resaccumulator.go) and renders all the same.
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
    stderr = " ".join(result.stderr.split())
    if result.returncode != 0:
        detail = kustomize_error(stderr) or stderr or f"exit code {result.returncode}"
        raise KustomizeRefused(f"{path}: kustomize failed: {detail}", detail)
    if stderr and strict:
        raise RenderError(f"{path}: kustomize printed warnings: {stderr}")
    return result.stdout


# How a failed build reads on stderr. ``kubectl kustomize`` ends through kubernetes component-base/cli/run.go
# ``Run``: ``klog.ErrorS(err, "command failed")`` once logging is set up (``E1205 00:42:07.158568 14968
# run.go:72] "command failed" err="..."``: a time stamp and a process id), ``Error: <err>`` before. Standalone
# kustomize prints cobra's ``Error: <err>``.
_KLOG_ERR = re.compile(r'err="(?P<err>(?:[^"\\]|\\.)*)"')
# An error of several lines (a patch's config quoted in it) is klog's multi-line value, ``err=<`` then the
# lines and `` >`` (k8s.io/klog/v2 internal/serialize/keyvalues.go, ``writeStringValue``); stderr's
# whitespace is one space each here.
_KLOG_LINES_ERR = re.compile(r"err=< (?P<err>.*) >$")
_COBRA_ERR = re.compile(r"(?:^|\s)Error: (?P<err>.*)$")


def kustomize_error(stderr: str) -> str:
    """kustomize's error from its stderr (one line), without klog's time stamp, process id and source line:
    the same text for the same input, as findings must be. "" when the error cannot be told apart."""
    found = _KLOG_ERR.search(stderr) or _KLOG_LINES_ERR.search(stderr) or _COBRA_ERR.search(stderr)
    if found is None:
        return ""
    err = found.group("err")
    return err.replace('\\"', '"').replace("\\\\", "\\") if found.re is _KLOG_ERR else err
