"""gitops-gen: generate, validate and sync a GitOps repository for an MLflow platform."""

from __future__ import annotations

__version__ = "0.1.0"
