"""Random layered-view cases and their dict model, shared by the overlay tests of ``store``
and ``occ``: a base of keys, layers of writes (None deletes), and the range a view iterates."""

from __future__ import annotations

import random
from typing import Any


def random_case(rng: random.Random, keys: list[bytes]) -> tuple[dict[bytes, bytes], list[dict[bytes, Any]]]:
    base = {k: b"base-" + k for k in keys if rng.random() < 0.5}
    layers = []
    for layer in range(2):
        layers.append(
            {k: rng.choice([b"w%d-" % layer + k, None]) for k in rng.sample(keys, rng.randint(0, 4))}
        )
    return base, layers


def expected_range(truth: dict[bytes, Any], start: bytes | None, end: bytes | None, reverse: bool) -> list[Any]:
    want = sorted(
        (k, v)
        for k, v in truth.items()
        if v is not None and (start is None or k >= start) and (end is None or k < end)
    )
    return want[::-1] if reverse else want


def random_bounds(rng: random.Random, keys: list[bytes]) -> tuple[bytes | None, bytes | None]:
    start, end = sorted(rng.sample(keys + [b"\x00\x05"], 2))
    return (None if rng.random() < 0.25 else start), (None if rng.random() < 0.25 else end)
