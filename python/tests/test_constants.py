"""The constants in rwsloop._types equal the C headers' values.

Checked against real libwebsockets 4.3.5 (the Python tables must be right)
and against rwsloop's own header (which must declare the same names with the
same values).
"""

import pytest

import cprobe
from conftest import INCLUDE_DIR, ORACLE_INCLUDE_DIR
from rwsloop import _types as T

HEADER_SETS = {"rwsloop": INCLUDE_DIR, "lws-4.3.5": ORACLE_INCLUDE_DIR}

GROUPS = {
    "callback_reasons": {"LWS_CALLBACK_" + n: v for n, v in T.CALLBACK_REASONS.items()},
    "server_options": {"LWS_SERVER_OPTION_" + n: v for n, v in T.SERVER_OPTIONS.items()},
    "log_levels": dict({"LLL_" + n: v for n, v in T.LOG_LEVELS.items()}, LLL_COUNT=T.LLL_COUNT),
    "adopt_flags": {"LWS_ADOPT_" + n: v for n, v in T.ADOPT_FLAGS.items()},
    "write_protocols": {"LWS_WRITE_" + n: v for n, v in T.WRITE_PROTOCOLS.items()},
    "misc": {
        "LWS_TO_KILL_SYNC": T.LWS_TO_KILL_SYNC,
        "LWS_TO_KILL_ASYNC": T.LWS_TO_KILL_ASYNC,
        "NO_PENDING_TIMEOUT": T.NO_PENDING_TIMEOUT,
        "PENDING_TIMEOUT_USER_OK": T.PENDING_TIMEOUT_USER_OK,
        "PENDING_TIMEOUT_USER_REASON_BASE": T.PENDING_TIMEOUT_USER_REASON_BASE,
        "LWS_RXFLOW_REASON_USER_BOOL": T.LWS_RXFLOW_REASON_USER_BOOL,
        "CONTEXT_PORT_NO_LISTEN": T.CONTEXT_PORT_NO_LISTEN,
        "CONTEXT_PORT_NO_LISTEN_SERVER": T.CONTEXT_PORT_NO_LISTEN_SERVER,
        "LWS_SET_TIMER_USEC_CANCEL": T.LWS_SET_TIMER_USEC_CANCEL,
        "LWSSULLI_MISS_IF_SUSPENDED": T.LWSSULLI_MISS_IF_SUSPENDED,
        "LWSSULLI_WAKE_IF_SUSPENDED": T.LWSSULLI_WAKE_IF_SUSPENDED,
        "LWS_PRE": T.LWS_PRE,
        "LWS_USEC_PER_SEC": T.LWS_USEC_PER_SEC,
        "LWS_POLLIN": T.LWS_POLLIN,
        "LWS_POLLOUT": T.LWS_POLLOUT,
        "LWS_POLLHUP": T.LWS_POLLHUP,
    },
}


def probe(names):
    body = "\n".join(f'  printf("{n} %lld\\n", (long long)({n}));' for n in names)
    return f"#include <libwebsockets.h>\n#include <stdio.h>\nint main(void) {{\n{body}\n  return 0;\n}}\n"


@pytest.mark.parametrize("which", sorted(HEADER_SETS))
@pytest.mark.parametrize("group", sorted(GROUPS))
def test_constants_match_header(which, group):
    if not cprobe.have_cc():
        pytest.skip("gcc is not installed")
    inc = HEADER_SETS[which]
    if which == "lws-4.3.5" and not (inc / "libwebsockets.h").exists():
        pytest.skip(f"real lws 4.3.5 headers absent ({inc}); run tools/fetch-oracle.sh")
    want = GROUPS[group]
    ok, out = cprobe.compile_and_run(probe(want), [inc])
    if not ok:
        missing = cprobe.undeclared_names(out)
        if missing:
            pytest.fail(f"{which} header does not declare: {', '.join(missing)}")
        pytest.fail(cprobe.first_errors(out))
    got = {}
    for line in out.splitlines():
        name, value = line.split()
        got[name] = int(value)
    wrong = {n: (v, got[n]) for n, v in want.items() if got[n] != v}
    assert not wrong, f"python value vs {which} header value: {wrong}"
