"""Files that end-to-end test tools read as assertions: partial objects that the tool waits for (or fails
on) in the cluster, never applied.

- kuttl: a test step's files are ``<index>-<name>.yaml`` (kudobuilder/kuttl pkg/test/case.go,
  ``testStepRegex``); a file whose first name element is ``assert`` or ``errors``, in any case, holds the
  objects to wait for or to fail on, and ``00-assert-foo.yaml`` counts too (pkg/test/step/step.go,
  ``fileNameRegex`` ``^(?:\\d+-)?([^-\\.]+)(-[^\\.]+)?(?:\\.yaml)?$`` and ``populateObjectsByFileName``).
- chainsaw: without a ``chainsaw-test.yaml``, a directory's ``<index>-assert.yaml`` and
  ``<index>-errors.yaml`` (``.yml`` too) are its steps' assertions (kyverno/chainsaw pkg/discovery/step.go,
  ``StepFileName`` and ``TryFindStepFiles``); with one, its steps name their assertion files
  (``spec.steps[].try|catch|finally[].assert|error.file``, pkg/apis/v1alpha1 ``Assert``, ``Error``,
  ``FileRef``).

Such a file holds what a test expects of an object (often only its ``status``): validated as a manifest, it
gave schema and API-server errors for fields it leaves out on purpose (jaegertracing/jaeger-operator's
kuttl tests: most of 75 ``apiserver-invalid`` errors).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from typing import Any

import yaml

# PyYAML's C loader where PyYAML was built with it (a model imports no layer above it: not kustomize.files')
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CONVENTION = re.compile(r"^\d+-(?i:assert|errors)(?:-[^.]*)?\.ya?ml$")
_CHAINSAW_TESTS = ("chainsaw-test.yaml", "chainsaw-test.yml")
_CHAINSAW_BLOCKS = ("try", "catch", "finally", "cleanup")


def assertion_reader(path: str) -> str | None:
    """The tool that reads the file at ``path`` as assertions ("kuttl or chainsaw", "chainsaw"), or None."""
    directory, name = os.path.split(path)
    if _CONVENTION.match(name):
        return "kuttl or chainsaw"
    if name in _chainsaw_assertions(directory):
        return "chainsaw"
    return None


@lru_cache(maxsize=4096)
def _chainsaw_assertions(directory: str) -> frozenset[str]:
    """The file names that the chainsaw tests of ``directory`` use as assertions or errors."""
    for name in _CHAINSAW_TESTS:
        try:
            with open(os.path.join(directory, name), encoding="utf-8") as stream:
                docs = list(yaml.load_all(stream, Loader=_LOADER))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        return frozenset(_files(docs))
    return frozenset()


@lru_cache(maxsize=4096)
def in_test_directory(directory: str) -> bool:
    """Whether ``directory`` (absolute) is a kuttl or chainsaw test's, or lies below one: the test tool applies
    its files one operation at a time, never the directory as one. A test's directory holds a
    ``chainsaw-test.yaml`` (kyverno/chainsaw pkg/discovery/discovery.go, ``DiscoverTests``: each step's
    ``apply`` names one file, relative to it, ``resources/x.yaml`` too), or step files with an assertion
    among them (``00-install.yaml`` next to ``00-assert.yaml``: pkg/discovery/step.go, ``TryFindStepFiles``,
    and load.go, one ``Apply`` operation per other file of a step; kudobuilder/kuttl pkg/test/case.go,
    ``LoadTestSteps``, one step per index, applied after the step before it is asserted). Numbered
    manifests without an assertion file are no test. The search goes up to the repository's root (the
    directory holding ``.git``), not above it."""
    is_test, is_root = _test_directory(directory)
    if is_test:
        return True
    parent = os.path.dirname(directory)
    return not is_root and parent != directory and in_test_directory(parent)


@lru_cache(maxsize=4096)
def _test_directory(directory: str) -> tuple[bool, bool]:
    """Whether ``directory`` holds a test (see :func:`in_test_directory`), and whether it holds ``.git``."""
    try:
        names = os.listdir(directory)
    except OSError:
        return False, False
    return any(name in _CHAINSAW_TESTS or _CONVENTION.match(name) for name in names), ".git" in names


def _files(docs: list[Any]) -> list[str]:
    found: list[str] = []
    for doc in docs:
        spec = doc.get("spec") if isinstance(doc, dict) else None
        steps = spec.get("steps") if isinstance(spec, dict) else None
        for step in steps if isinstance(steps, list) else []:
            for block in _CHAINSAW_BLOCKS:
                ops = step.get(block) if isinstance(step, dict) else None
                for op in ops if isinstance(ops, list) else []:
                    for action in ("assert", "error"):
                        ref = op.get(action) if isinstance(op, dict) else None
                        file = ref.get("file") if isinstance(ref, dict) else None
                        if isinstance(file, str) and "/" not in file and "(" not in file:
                            found.append(file)
    return found
