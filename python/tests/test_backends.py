"""Asking for a foreign-loop backend that is not installed.

rwsloop loads each loop library's backend (librwsloop-evlib_<name>.so) from
beside librwsloop.so only when a context asks for it. Here the library is
copied alone into an empty directory and used from a child Python: every
foreign-loop option must fail the create with a message naming what is
missing, and leave no descriptor, thread or anything else behind.
"""

import os
import shutil
import subprocess
import sys

import pytest

from conftest import PYTHON_DIR

# option bit -> backend name (lws 4.3's LWS_SERVER_OPTION_* values)
BACKENDS = {
    1 << 10: "uv",
    1 << 21: "event",
    1 << 4: "ev",
    1 << 33: "glib",
    1 << 37: "sdevent",
    1 << 38: "uloop",
}

CHILD = r"""
import os, sys, threading
import rwsloop

def fds():
    return sorted(os.listdir("/proc/self/fd"))

lines = []
rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN, lambda lvl, line: lines.append(line))
for option in map(int, sys.argv[1:]):
    before, threads = fds(), threading.active_count()
    try:
        rwsloop.Context(protocols=[rwsloop.Protocol("p", lambda *a: 0)], options=option)
    except RuntimeError:
        pass
    else:
        print("CREATED", option)
    after = fds()
    if after != before or threading.active_count() != threads:
        print("LEFT", option, before, after)
for line in lines:
    print("LOG", line.strip())
"""


def test_missing_backend_fails_the_create_cleanly(is_rwsloop, lws, tmp_path):
    if not is_rwsloop:
        pytest.skip("rwsloop's backend loading (real lws loads from its own fixed path)")
    lib = tmp_path / "librwsloop.so"
    shutil.copy(os.path.realpath(lws.path), lib)
    env = dict(os.environ, RWSLOOP_LIB=str(lib), PYTHONPATH=str(PYTHON_DIR))
    env.pop("RWSLOOP_EVLIB_DIR", None)
    proc = subprocess.run(
        [sys.executable, "-c", CHILD] + [str(o) for o in BACKENDS],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert not [l for l in out if l.startswith(("CREATED", "LEFT"))], out
    logs = [l for l in out if l.startswith("LOG")]
    for name in BACKENDS.values():
        wanted = "librwsloop-evlib_%s.so not found" % name
        assert any(wanted in l and "not installed" in l for l in logs), (name, logs)
