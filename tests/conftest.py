"""The whole suite runs under the node's recursion and thread-stack policy (``untrusted.stack``)."""

from __future__ import annotations

import py_ecc  # noqa: F401 -- raises the recursion limit when imported: imported before the policy applies

from untrusted.stack import configure_process


def pytest_configure() -> None:
    configure_process()
