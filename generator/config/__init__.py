"""Environment configuration: JSON Schema, profile defaults, loader and the resolved model."""

from __future__ import annotations
