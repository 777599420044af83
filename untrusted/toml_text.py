"""TOML files (``app.toml``), parsed with a nesting bound.

``tomllib`` is pure Python: its recursion is interpreter frames, which CPython 3.11 keeps
off the C stack, so a deep file raises ``RecursionError`` (below ``untrusted.stack``'s
limit) rather than overrunning the stack. ``loads`` turns that into a clean error and
also refuses any value nested deeper than ``max_depth``, so a config that loads today is
one a reader of any other depth budget loads too.
"""

from __future__ import annotations

import tomllib
from typing import Any

#: Deepest nesting of tables and arrays accepted in a config file.
MAX_DEPTH = 32


class TomlInputError(ValueError):
    """The text is not TOML this node accepts (invalid, or nested too deep)."""


def loads(text: str, max_depth: int = MAX_DEPTH) -> dict[str, Any]:
    """``tomllib.loads(text)`` nested at most ``max_depth`` deep; ``TomlInputError`` otherwise."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise TomlInputError(f"invalid TOML: {e}") from None
    except RecursionError:
        raise TomlInputError(f"invalid TOML: nested deeper than {max_depth} levels") from None
    if depth(data) > max_depth:
        raise TomlInputError(f"invalid TOML: nested deeper than {max_depth} levels")
    return data


def depth(value: Any) -> int:
    """How deep tables and arrays nest in ``value`` (a table of scalars is 1), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children)
    return deepest
