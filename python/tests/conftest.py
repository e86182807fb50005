"""Shared fixtures for the rwsloop Python tests.

The library under test is found the way the binding finds it (RWSLOOP_LIB,
then pkg-config, then the build tree); `make python-test` sets RWSLOOP_LIB.
No test may hang: every test runs under a watchdog that dumps all thread
stacks and ends the process if it overruns, and loop-driving tests use
``Context.run_until`` with deadlines.
"""

import faulthandler
import os
import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
PYTHON_DIR = TESTS_DIR.parent
REPO = PYTHON_DIR.parent
INCLUDE_DIR = REPO / "include"
ORACLE_INCLUDE_DIR = REPO / ".oracle" / "4.3.5" / "usr" / "include"

if str(PYTHON_DIR) not in sys.path:
    sys.path.insert(0, str(PYTHON_DIR))
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

#: Seconds one test may take before the watchdog ends the run.
WATCHDOG_S = float(os.environ.get("RWSLOOP_TEST_WATCHDOG_S", "60"))


@pytest.fixture(autouse=True)
def _watchdog():
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


@pytest.fixture(scope="session")
def lws():
    """The loaded library's function table (rwsloop.api())."""
    import rwsloop

    return rwsloop.api()


@pytest.fixture(scope="session")
def is_rwsloop(lws):
    """True when the loaded library is rwsloop (not a real libwebsockets)."""
    return "rwsloop" in os.path.basename(lws.path)


@pytest.fixture
def quiet_logs(lws):
    """Route library log lines into a list for the test; restore afterwards."""
    import rwsloop

    lines = []
    rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN, lambda lvl, line: lines.append((lvl, line)))
    yield lines
    rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN | rwsloop.LLL_NOTICE, rwsloop.emit_stderr)
