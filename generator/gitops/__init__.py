"""Writing the generated tree into the GitOps repository: atomic swap, git commits, Argo CD objects."""

from __future__ import annotations
