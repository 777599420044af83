"""Commands whose implementation loads the node (py-evm, wasmtime, RocksDB: about a second
of imports) are named as ``"module:function"`` and imported when they run, so ``pysei keys``,
``tx`` and ``query`` start without paying for them. The one deliberate late import of the CLI.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from typing import Any


def deferred(
    target: str, arguments: Callable[[argparse.Namespace], tuple[Any, ...]] = lambda args: (args,)
) -> Callable[[argparse.Namespace], Any]:
    """A command function that imports ``target`` (``"package.module:function"``) when it
    runs and calls it with ``arguments(args)``."""
    module_name, _, function_name = target.partition(":")

    def run(args: argparse.Namespace) -> Any:
        function = getattr(importlib.import_module(module_name), function_name)
        return function(*arguments(args))

    run.__qualname__ = run.__name__ = f"deferred[{target}]"
    return run
