"""API versions of custom resources that their project has removed from its CRDs.

A CRD serves the versions it lists; when a project drops a version from its CRDs, an object still written in
it is refused by the API server ("no matches for kind ... in version ..."), and the bundled schemas, taken from
the project's current CRDs, have no file for it. This table says when and where the version went, so that the
``missing-schema`` message can say "removed in" rather than only "no schema". Flux is the case met in GitOps
repositories: its controllers deprecated the ``v1beta*`` (``v2beta*`` for helm-controller) APIs at the v1 (v2)
promotions and removed them in two steps, Flux v2.7 and v2.8 (v2.9 for notification and image automation).

Each entry cites the controller commit that deleted the version from ``config/crd/bases``; the controller
release is the first tag holding the commit, the Flux release the first fluxcd/flux2 tag whose
``manifests/bases/<controller>/kustomization.yaml`` pins that controller release or a later one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Removal:
    kinds: frozenset[str]
    release: str  # the distribution release, e.g. "Flux v2.8.0"
    component: str  # the controller release that dropped the version, e.g. "source-controller v1.8.0"
    hint: str = ""  # how to move the manifests, appended to the message


# fluxcd/flux2 cmd/flux/migrate.go: file system mode (--path/-f) sets each Flux object's apiVersion to the latest
# of the Flux release (latestAPIVersions)
_FLUX_MIGRATE = "`flux migrate -f <path>` rewrites the apiVersion in the manifests"
_SOURCES_V1BETA1 = frozenset({"Bucket", "GitRepository", "HelmChart", "HelmRepository"})
_NOTIFICATION = frozenset({"Alert", "Provider", "Receiver"})

# (API group, version) -> the removal
REMOVED: dict[tuple[str, str], Removal] = {
    # fluxcd/source-controller ca436314 "Remove deprecated APIs in group source.toolkit.fluxcd.io/v1beta1" (v1.7.0;
    # OCIRepository never had v1beta1); flux2 v2.7.0 pins source-controller v1.7.0
    ("source.toolkit.fluxcd.io", "v1beta1"): Removal(
        _SOURCES_V1BETA1, "Flux v2.7.0", "source-controller v1.7.0", _FLUX_MIGRATE
    ),
    # fluxcd/source-controller f3ba9f91 "Remove deprecated APIs in group source.toolkit.fluxcd.io/v1beta2" (v1.8.0,
    # CHANGELOG 1.8.0: "The v1beta2 APIs were removed"); flux2 v2.8.0 pins source-controller v1.8.0
    ("source.toolkit.fluxcd.io", "v1beta2"): Removal(
        _SOURCES_V1BETA1 | {"OCIRepository"}, "Flux v2.8.0", "source-controller v1.8.0", _FLUX_MIGRATE
    ),
    # fluxcd/kustomize-controller c8b9d82 (v1.7.0) and 64558eb (v1.8.0) "Remove deprecated APIs in group
    # kustomize.toolkit.fluxcd.io/v1beta1" / "/v1beta2"; flux2 v2.7.0 and v2.8.0 pin those releases
    ("kustomize.toolkit.fluxcd.io", "v1beta1"): Removal(
        frozenset({"Kustomization"}), "Flux v2.7.0", "kustomize-controller v1.7.0", _FLUX_MIGRATE
    ),
    ("kustomize.toolkit.fluxcd.io", "v1beta2"): Removal(
        frozenset({"Kustomization"}), "Flux v2.8.0", "kustomize-controller v1.8.0", _FLUX_MIGRATE
    ),
    # fluxcd/helm-controller d7cd9ae (v1.4.0) and 34861e7 (v1.5.0) "Remove deprecated APIs in group
    # helm.toolkit.fluxcd.io/v2beta1" / "/v2beta2"; flux2 v2.7.0 pins v1.4.0, v2.8.0 pins v1.5.0
    ("helm.toolkit.fluxcd.io", "v2beta1"): Removal(
        frozenset({"HelmRelease"}), "Flux v2.7.0", "helm-controller v1.4.0", _FLUX_MIGRATE
    ),
    ("helm.toolkit.fluxcd.io", "v2beta2"): Removal(
        frozenset({"HelmRelease"}), "Flux v2.8.0", "helm-controller v1.5.0", _FLUX_MIGRATE
    ),
    # fluxcd/notification-controller 660e7d2 (v1.7.0) and f4b4c8f (v1.9.0) "Remove deprecated APIs in group
    # notification.toolkit.fluxcd.io/v1beta1" / "/v1beta2"; flux2 v2.7.0 pins v1.7.1, v2.9.0 pins v1.9.1
    ("notification.toolkit.fluxcd.io", "v1beta1"): Removal(
        _NOTIFICATION, "Flux v2.7.0", "notification-controller v1.7.0", _FLUX_MIGRATE
    ),
    ("notification.toolkit.fluxcd.io", "v1beta2"): Removal(
        _NOTIFICATION, "Flux v2.9.0", "notification-controller v1.9.0", _FLUX_MIGRATE
    ),
    # fluxcd/image-reflector-controller 85f7a70 and fluxcd/image-automation-controller 8c21b03 (both v1.0.0)
    # remove image.toolkit.fluxcd.io/v1beta1, f7fe4b6 and 6b676f7 (both v1.2.0) remove v1beta2; flux2 v2.7.0
    # pins v1.0.1 of both, v2.8.0 v1.1.0, v2.9.0 v1.2.1
    ("image.toolkit.fluxcd.io", "v1beta1"): Removal(
        frozenset({"ImagePolicy", "ImageRepository", "ImageUpdateAutomation"}),
        "Flux v2.7.0",
        "image-reflector-controller and image-automation-controller v1.0.0",
        _FLUX_MIGRATE,
    ),
    ("image.toolkit.fluxcd.io", "v1beta2"): Removal(
        frozenset({"ImagePolicy", "ImageRepository", "ImageUpdateAutomation"}),
        "Flux v2.9.0",
        "image-reflector-controller and image-automation-controller v1.2.0",
        _FLUX_MIGRATE,
    ),
}


def removal(api_version: str, kind: str) -> Removal | None:
    """The removal of ``api_version`` for ``kind``, when the table has one."""
    group, _, version = api_version.rpartition("/")
    entry = REMOVED.get((group, version))
    return entry if entry is not None and kind in entry.kinds else None
