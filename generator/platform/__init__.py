"""Pure builders: an :class:`~generator.config.model.Environment` in, plain Kubernetes dicts out."""

from __future__ import annotations
