"""``untrusted.stack``: with the policy applied, the deepest recursion the interpreter
allows fits the thread's stack, so it ends in ``RecursionError``, never a segfault.

Each case runs in a child process: a stack overrun would kill it (a negative exit code),
and this process must survive to report it.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from untrusted.stack import RECURSION_LIMIT, THREAD_STACK_BYTES, run_on_sized_stack

ROOT = Path(__file__).resolve().parents[3]

_PROLOGUE = """
import json, sys
import abci_app.node.supervisor  # the node's imports: py-evm and py_ecc raise the limit at import
from untrusted.stack import configure_process, run_on_sized_stack
configure_process()
"""

# C-level recursion, each level re-entering the interpreter: the costliest per level.
_CASES = {
    "call_chain": """
class Chain:
    def __call__(self, n):
        return self(n - 1) if n else 0
body = lambda: Chain()(10 * LIMIT)
""",
    "json_decoder_unbounded": """
body = lambda: json.loads("[" * (10 * LIMIT) + "]" * (10 * LIMIT))
""",
    "repr_of_nested_lists": """
def body():
    x = []
    for _ in range(10 * LIMIT):
        x = [x]
    return repr(x)
""",
}


@pytest.mark.parametrize("case", sorted(_CASES))
def test_deepest_recursion_raises_on_a_sized_thread(case: str) -> None:
    script = _PROLOGUE + f"LIMIT = {RECURSION_LIMIT}\n" + textwrap.dedent(_CASES[case]) + textwrap.dedent("""
        print(sys.getrecursionlimit())
        try:
            run_on_sized_stack(body)
            print("no error")
        except RecursionError:
            print("RecursionError")
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [str(RECURSION_LIMIT), "RecursionError"]


def test_threads_started_after_configuration_get_the_stack_size() -> None:
    script = _PROLOGUE + textwrap.dedent("""
        import threading
        print(threading.stack_size())
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == [str(THREAD_STACK_BYTES)]


def test_exceptions_cross_back_to_the_caller() -> None:
    def fail() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        run_on_sized_stack(fail)
    assert run_on_sized_stack(lambda a, b: a + b, 2, 3) == 5
