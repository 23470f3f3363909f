"""Container images must be pinned: no ``:latest`` tag and no missing tag.

An image without a tag means ``:latest``. A mutable tag breaks the promise of GitOps: the commit no
longer says what runs, two nodes may run different code after a restart, and a rollback to an older
commit does not roll back the image. Use an explicit version tag, or pin a digest
(``image@sha256:...``; a digest-pinned image passes whatever its tag). Init containers are checked too.
A ``ko://`` import path (Knative, Tekton) is no image at all: ``ko resolve`` builds it and writes the
image's digest in its place (https://ko.build/reference/ko_resolve), so the file cannot be synced as it is.

PASS:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: minio}
    spec:
      template:
        spec:
          containers:
            - name: minio
              image: minio/minio:RELEASE.2024-06-13T22-53-53Z

FAIL:

    apiVersion: apps/v1
    kind: Deployment
    metadata: {name: minio}
    spec:
      template:
        spec:
          containers:
            - name: minio
              image: minio/minio:latest
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from generator.validate.context import Context
from generator.validate.model import Finding, Resource, Severity
from generator.validate.rules._helpers import containers_of, describe
from generator.validate.workloads import WORKLOAD_KINDS

ID = "latest-tag"
CATEGORY = "workloads"
SEVERITY = Severity.ERROR  # reproducibility of a GitOps commit, not style
KINDS: frozenset[str] | None = WORKLOAD_KINDS


def image_tag(image: str) -> str | None:
    """The tag of an image reference (None when it has none). A registry port is not a tag."""
    last = image.rpartition("/")[2]
    _name, sep, tag = last.partition(":")
    return tag if sep else None


def check(ctx: Context, obj: Resource) -> Iterable[Finding]:
    return _check(ctx, obj)


def _check(ctx: Context, obj: Resource) -> Iterator[Finding]:
    for c in containers_of(ctx, obj):
        image = c.obj.get("image")
        if not isinstance(image, str) or not image or "@" in image:
            continue  # a missing image is a schema error; a digest pins the content
        if image.startswith("ko://"):
            yield Finding(
                f'{describe(c, start=True)} uses the ko import path "{image}", which only `ko resolve` turns into '
                "an image (pinned by digest); commit the resolved manifest.",
                path=c.pointer("image"),
            )
            continue
        tag = image_tag(image)
        if tag is None:
            yield Finding(
                f'{describe(c, start=True)} uses image "{image}" without a tag (that is :latest); '
                "pin a version tag or a digest.",
                path=c.pointer("image"),
            )
        elif tag == "latest":
            yield Finding(
                f'{describe(c, start=True)} uses the mutable image "{image}"; pin a version tag or a digest.',
                path=c.pointer("image"),
            )
