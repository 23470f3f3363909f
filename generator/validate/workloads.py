"""Where pods live inside workload kinds: one helper so every rule walks pod templates the same way.
The implementation lives in :mod:`generator.models.k8s` (shared with the Argo CD model)."""

from __future__ import annotations

from generator.models.k8s import WORKLOAD_KINDS, Container, PodTemplate, containers, pod_template

__all__ = ["WORKLOAD_KINDS", "Container", "PodTemplate", "containers", "pod_template"]
