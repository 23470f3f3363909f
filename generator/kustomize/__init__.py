"""Kustomize output: emit (objects -> base/components/overlays text) and render (runs real kustomize)."""

from __future__ import annotations
