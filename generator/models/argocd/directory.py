"""Which files of a directory source Argo CD's repo server reads as manifests.

From argoproj/argo-cd ``reposerver/repository/repository.go`` (master, commit 37ee009, 2026-08-22):

- ``getPotentiallyValidManifestFile``: a file whose text holds ``+argocd:skip-file-rendering``
  (``skipFileRenderingMarker``) is not read at all; neither is a file that is not a regular file (a FIFO, a
  socket, a device: "Allow only regular files"), nor a symbolic link whose destination is missing: each is
  left out with a warning, and the sync goes on;
- ``getObjsFromYAMLOrJSON`` on a ``.yaml``/``.yml`` file: ``splitYAMLOrJSON`` decodes document after
  document into ``unstructured.Unstructured`` (an empty document is skipped) and stops at the first that
  does not decode: a syntax error, or a document that is no mapping or has no ``kind``
  (k8s.io/apimachinery ``pkg/apis/meta/v1/unstructured/helpers.go``, ``unstructuredJSONScheme.Decode``:
  ``NewMissingKindErr`` when the kind is empty; ``apiVersion`` is not required there). When that happens
  before any object was decoded and the file's text does not hold all of ``apiVersion:``, ``kind:`` and
  ``metadata:``, the file "might be an unrelated YAML file which we will ignore": it is left out, with no
  error. Otherwise the sync fails ("Failed to unmarshal"). A ``.json`` file has no such allowance: one
  that is no object fails the sync.
"""

from __future__ import annotations

SKIP_MARKER = "+argocd:skip-file-rendering"
_MANIFEST_MARKERS = ("apiVersion:", "kind:", "metadata:")
YAML_SUFFIXES = (".yaml", ".yml")


NOT_REGULAR = "not a regular file (a FIFO, socket or device): Argo CD's directory source leaves it out with a warning"
DANGLING_LINK = "the symbolic link's destination is missing: Argo CD's directory source leaves it out with a warning"


def skips_file(text: str) -> bool:
    """Argo CD does not read this file (its skip marker)."""
    return SKIP_MARKER in text


def ignores_yaml(text: str) -> bool:
    """A ``.yaml``/``.yml`` file whose first document decodes into no object is ignored by Argo CD (not an
    error) when its text lacks one of ``apiVersion:``, ``kind:``, ``metadata:``. The caller has checked
    that the first non-empty document is no mapping with a kind."""
    return not all(marker in text for marker in _MANIFEST_MARKERS)


def ignores_unparsable_yaml(text: str) -> bool:
    """Whether Argo CD surely ignores a ``.yaml``/``.yml`` file that is not valid YAML. Argo CD ignores it
    when no object decoded before the syntax error and the markers are incomplete; without ``kind`` in the
    text, neither can have happened. (With ``kind`` somewhere, the objects before the error are not known
    here, so the file is not said to be ignored: a syntax error then stays an error.)"""
    return "kind" not in text
