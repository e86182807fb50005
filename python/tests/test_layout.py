"""The ctypes struct mirrors match the C headers member for member.

For every mirrored struct a C probe prints sizeof the struct and, for each
member, offsetof and sizeof; the numbers must equal ctypes.sizeof and the
ctypes field's offset/size. The probe is built twice: against rwsloop's own
include/libwebsockets.h and against the real libwebsockets 4.3.5 headers in
.oracle/ (so the mirrors are proven equal to real lws, not only to us).
"""

import ctypes

import pytest

import cprobe
from conftest import INCLUDE_DIR, ORACLE_INCLUDE_DIR
from rwsloop import _types as T

HEADER_SETS = {
    "rwsloop": INCLUDE_DIR,
    "lws-4.3.5": ORACLE_INCLUDE_DIR,
}


def include_dir_or_skip(which):
    if not cprobe.have_cc():
        pytest.skip("gcc is not installed; cannot compile the layout probe")
    d = HEADER_SETS[which]
    if which == "lws-4.3.5" and not (d / "libwebsockets.h").exists():
        pytest.skip(f"real lws 4.3.5 headers absent ({d}); run tools/fetch-oracle.sh")
    return d


def probe_source(cls) -> str:
    t = cls._c_name_
    lines = [
        "#include <libwebsockets.h>",
        "#include <stdio.h>",
        "#include <stddef.h>",
        "int main(void) {",
        f'  printf("size %zu\\n", sizeof({t}));',
    ]
    for name, *_ in cls._fields_:
        lines.append(
            f'  printf("field {name} %zu %zu\\n", offsetof({t}, {name}), sizeof((({t} *)0)->{name}));'
        )
    lines += ["  return 0;", "}", ""]
    return "\n".join(lines)


def c_layout(cls, include_dir):
    ok, out = cprobe.compile_and_run(probe_source(cls), [include_dir])
    if not ok:
        missing = cprobe.undeclared_names(out)
        hint = f"; not declared: {', '.join(missing)}" if missing else ""
        pytest.fail(f"layout probe for {cls._c_name_} does not compile against {include_dir}{hint}\n"
                    + cprobe.first_errors(out))
    size = None
    fields = {}
    for line in out.splitlines():
        parts = line.split()
        if parts[0] == "size":
            size = int(parts[1])
        elif parts[0] == "field":
            fields[parts[1]] = (int(parts[2]), int(parts[3]))
    return size, fields


@pytest.mark.parametrize("which", sorted(HEADER_SETS))
@pytest.mark.parametrize("cls", T.MIRRORED_STRUCTS, ids=lambda c: c._c_name_.replace(" ", "_"))
def test_struct_layout_matches_header(which, cls):
    include_dir = include_dir_or_skip(which)
    size, fields = c_layout(cls, include_dir)
    problems = []
    if size != ctypes.sizeof(cls):
        problems.append(f"sizeof: C {size}, ctypes {ctypes.sizeof(cls)}")
    for name, *_ in cls._fields_:
        f = getattr(cls, name)
        c_off, c_size = fields[name]
        if (f.offset, f.size) != (c_off, c_size):
            problems.append(f"{name}: C offset {c_off} size {c_size}, ctypes offset {f.offset} size {f.size}")
    assert not problems, f"{cls._c_name_} vs {which} header:\n  " + "\n  ".join(problems)


def test_known_sizes_of_real_lws():
    """Sizes quoted for Debian's 4.3.5 on x86-64 (independent of any header)."""
    if ctypes.sizeof(ctypes.c_void_p) != 8:
        pytest.skip("sizes are recorded for 64-bit targets")
    for cls in T.MIRRORED_STRUCTS:
        want = T.EXPECTED_SIZES_X86_64.get(cls._c_name_)
        if want is not None:
            assert ctypes.sizeof(cls) == want, cls._c_name_


def test_protocol_array_is_positional():
    """A protocols entry built positionally in Python keeps lws's order."""
    cb = T.lws_callback_function(lambda *a: 0)
    p = T.lws_protocols(b"x", cb, 16, 4096, 7, None, 512)
    assert (p.name, p.per_session_data_size, p.rx_buffer_size, p.id, p.tx_packet_size) == (b"x", 16, 4096, 7, 512)
