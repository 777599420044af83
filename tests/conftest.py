"""The whole suite runs under the node's recursion and thread-stack policy (``untrusted.stack``),
and fails if it leaves a process behind (``tests.support.leftovers``)."""

from __future__ import annotations

import py_ecc  # noqa: F401 -- raises the recursion limit when imported: imported before the policy applies
import pytest

from occ.runtime import use_fast_keccak
from tests.support.leftovers import kill, mark_session, wait_for_leftovers
from untrusted.stack import configure_process

SESSION = pytest.StashKey[str]()
#: Seconds a session's processes get to exit after its last test (helpers exit just after the node).
LEFTOVER_GRACE_S = 15.0


def pytest_configure(config: pytest.Config) -> None:
    configure_process()
    use_fast_keccak()
    config.stash[SESSION] = mark_session()


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Fail the run if a process the suite started is still running; then end it."""
    found = wait_for_leftovers(session.config.stash[SESSION], LEFTOVER_GRACE_S)
    if not found:
        return
    lines = [f"{len(found)} process(es) the test session started outlived it (killed now):"]
    lines += [f"  pid {p.pid} (parent {p.ppid}): {p.cmdline}" for p in found]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for line in lines:
        if reporter is not None:
            reporter.write_line(line, red=True)
        else:
            print(line)
    kill(found)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
