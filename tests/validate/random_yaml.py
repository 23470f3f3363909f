"""Random block-style YAML documents for the position tests: nested mappings and sequences written in the
styles people use (2 to 4 spaces of indentation, sequences flush with their key or indented, an item's
first key on its dash line or below it), with comments at any column, blank lines, block scalars, one-line
flow collections and the same few key names at every level, so that a key a node lacks is often found at
the same column in a later node. Seeded: the same seed gives the same documents."""

from __future__ import annotations

import random
from typing import Any

KEYS = ("a", "b", "name", "spec", "x")


def value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth >= 4 or roll < 0.35:
        return rng.choice(["v", "w", "1", "name", "a b", "x: y", "- z"])
    if roll < 0.7:
        return {k: value(rng, depth + 1) for k in rng.sample(KEYS, rng.randint(1, 4))}
    items: list[Any] = []
    for _ in range(rng.randint(1, 4)):
        item = value(rng, depth + 1)
        if isinstance(item, dict) and rng.random() < 0.5:
            item = {"name": rng.choice(["p", "q"]), **item}  # duplicate names: the first item wins
        items.append(item)
    return items


class Emitter:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[str] = []

    def noise(self) -> None:
        roll = self.rng.random()
        if roll < 0.08:
            self.lines.append(" " * self.rng.randint(0, 8) + "# note: a comment")
        elif roll < 0.14:
            self.lines.append("")

    def scalar(self, value: Any) -> str:
        text = str(value)
        return f'"{text}"' if (": " in text or text.startswith("- ")) else text

    def mapping(self, obj: dict[str, Any], col: int, first_prefix: str | None = None) -> None:
        """The keys at column ``col``; the first on a line that starts with ``first_prefix`` (a dash)."""
        for i, (key, val) in enumerate(obj.items()):
            lead = first_prefix if (i == 0 and first_prefix is not None) else " " * col
            if i:
                self.noise()
            self.entry(lead + key + ":", val, col)

    def entry(self, head: str, val: Any, col: int) -> None:
        rng = self.rng
        if (
            isinstance(val, dict)
            and val
            and rng.random() < 0.1
            and all(isinstance(v, str) and ": " not in v and "- " not in v for v in val.values())
        ):  # a one-line flow mapping of plain scalars
            self.lines.append(f"{head} {{{', '.join(f'{k}: {v}' for k, v in val.items())}}}")
        elif isinstance(val, dict) and val:
            self.lines.append(head)
            self.mapping(val, col + rng.randint(2, 4))
        elif isinstance(val, list) and val:
            self.lines.append(head)
            self.sequence(val, col + rng.choice([0, 2, 3]))
        elif isinstance(val, dict | list):
            self.lines.append(f"{head} {'{}' if isinstance(val, dict) else '[]'}")
        elif rng.random() < 0.08:
            self.lines.append(f"{head} |")
            self.lines.append(" " * (col + 2) + f"{val}")
            self.lines.append(" " * (col + 2) + "b: inside a block scalar")
        else:
            self.lines.append(f"{head} {self.scalar(val)}")

    def sequence(self, items: list[Any], col: int) -> None:
        rng = self.rng
        for item in items:
            self.noise()
            if isinstance(item, dict) and item:
                if rng.random() < 0.75:
                    gap = rng.randint(1, 3)
                    self.mapping(item, col + 1 + gap, " " * col + "-" + " " * gap)
                else:
                    self.lines.append(" " * col + "-")
                    self.mapping(item, col + rng.randint(2, 4))
            elif isinstance(item, list | dict):  # a nested list is written empty: the walk refuses to descend
                self.lines.append(" " * col + "- " + ("[]" if isinstance(item, list) else "{}"))
            else:
                self.lines.append(" " * col + "- " + self.scalar(item))


def document(seed: int) -> str:
    """A ConfigMap-shaped document whose other top-level keys hold random values."""
    rng = random.Random(seed)
    emitter = Emitter(rng)
    emitter.lines += ["apiVersion: v1", "kind: ConfigMap", "metadata:", f"  name: r{seed}"]
    for key in rng.sample(("data", "spec", "extra", "more"), rng.randint(1, 3)):
        emitter.noise()
        emitter.entry(key + ":", value(rng, 0) if rng.random() < 0.2 else value(rng, 1), 0)
    return "\n".join(emitter.lines) + "\n"
