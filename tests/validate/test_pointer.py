"""JSON pointers (RFC 6901) from path parts (generator/models/k8s.py ``pointer``, which rules import from
generator.validate.model): "~" becomes "~0" and "/" becomes "~1", numbers are written in decimal."""

from __future__ import annotations

import random

from generator.models import k8s
from generator.validate import model


def _reference(*parts: str | int) -> str:
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def test_pointer_escapes_and_joins_like_the_rfc() -> None:
    assert model.pointer is k8s.pointer
    assert model.pointer() == ""
    assert model.pointer("spec", "containers", 0, "image") == "/spec/containers/0/image"
    assert model.pointer("metadata", "annotations", "a.io/b~c") == "/metadata/annotations/a.io~1b~0c"
    assert model.pointer("") == "/"
    assert model.pointer("~1") == "/~01"  # "~" first, so an escaped-looking key stays itself


def test_pointer_equals_the_plain_replace_chain_on_random_parts() -> None:
    rng = random.Random(5)
    for _ in range(5_000):
        parts: list[str | int] = [
            rng.randrange(0, 200)
            if rng.random() < 0.3
            else "".join(rng.choice("ab~/1") for _ in range(rng.randrange(0, 5)))
            for _ in range(rng.randrange(0, 5))
        ]
        assert model.pointer(*parts) == _reference(*parts), parts
