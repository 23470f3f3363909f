"""``overlays/<env>/PREREQUISITES.md``: the cluster prerequisites of each environment, as a page an operator
reads before bootstrapping (the same list ``gitops-gen plan`` checks). Not a Kustomize resource: the
overlay's kustomization never lists it, so kustomize, validation and Argo CD ignore it; it lives under
``overlays/<env>``, a root the env's build owns, so the drift check covers it."""

from __future__ import annotations

from collections.abc import Sequence

from generator.config.model import Environment
from generator.models.argocd import prereqs

FILENAME = "PREREQUISITES.md"


def render_prerequisites(envs: Sequence[Environment]) -> dict[str, str]:
    """path -> text for every environment (pure, deterministic)."""
    return {
        f"overlays/{env.name}/{FILENAME}": prereqs.markdown(env, prereqs.declared(env))
        for env in sorted(envs, key=lambda e: e.name)
    }
