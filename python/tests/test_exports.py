"""The binding's function table covers the C API, with the right arity.

rwsloop's headers (include/libwebsockets.h and what it pulls in from
include/: the cbindgen-generated declarations plus the hand-written ones) are
preprocessed and every function declaration is read out. Each must have a
row in rwsloop._api.SIGNATURES with the same number of parameters (and the
same variadic-ness). The rows are also checked against the real lws 4.3.5
declarations of the same names, and against what the loaded library exports.
"""

import ctypes

import pytest

import cdecls
import cprobe
from conftest import INCLUDE_DIR, ORACLE_INCLUDE_DIR
from rwsloop._api import SIGNATURES


def declared(include_dir):
    if not cprobe.have_cc():
        pytest.skip("gcc is not installed; cannot preprocess the headers")
    header = include_dir / "libwebsockets.h"
    try:
        return cdecls.declared_functions(str(header), [str(include_dir)], [str(include_dir)])
    except cdecls.PreprocessError as exc:
        pytest.fail(f"the headers in {include_dir} do not preprocess:\n{exc}")


def table_arity(name):
    _restype, argtypes, variadic = SIGNATURES[name]
    return len(argtypes), variadic


def test_every_declared_function_is_in_the_table():
    decls = declared(INCLUDE_DIR)
    assert decls, f"no function declarations found under {INCLUDE_DIR}"
    missing = sorted(n for n in decls if n not in SIGNATURES)
    assert not missing, (
        "declared in include/ but missing from python/rwsloop/_api.py SIGNATURES: " + ", ".join(missing)
    )


def test_table_arity_matches_rwsloop_header():
    decls = declared(INCLUDE_DIR)
    wrong = {
        n: {"header": decls[n], "table": table_arity(n)}
        for n in decls
        if n in SIGNATURES and table_arity(n) != decls[n]
    }
    assert not wrong, f"(params, variadic) differ between include/ and SIGNATURES: {wrong}"


def test_table_arity_matches_real_lws():
    if not (ORACLE_INCLUDE_DIR / "libwebsockets.h").exists():
        pytest.skip(f"real lws 4.3.5 headers absent ({ORACLE_INCLUDE_DIR}); run tools/fetch-oracle.sh")
    decls = declared(ORACLE_INCLUDE_DIR)
    wrong = {
        n: {"lws-4.3.5": decls[n], "table": table_arity(n)}
        for n in SIGNATURES
        if n in decls and table_arity(n) != decls[n]
    }
    assert not wrong, f"SIGNATURES disagree with real lws 4.3.5: {wrong}"


def test_declared_functions_are_exported(lws, is_rwsloop):
    if not is_rwsloop:
        pytest.skip(f"the loaded library is not rwsloop ({lws.path})")
    decls = declared(INCLUDE_DIR)
    absent = []
    for name in sorted(decls):
        try:
            getattr(lws.lib, name)
        except AttributeError:
            absent.append(name)
    assert not absent, f"declared in include/ but not exported by {lws.path}: {', '.join(absent)}"


def test_table_rows_are_well_formed():
    for name, row in SIGNATURES.items():
        assert len(row) == 3, name
        restype, argtypes, variadic = row
        assert isinstance(argtypes, tuple), name
        assert isinstance(variadic, bool), name
        for a in argtypes:
            assert isinstance(a, type) and issubclass(a, ctypes._SimpleCData.__mro__[1]), (name, a)
        assert restype is None or isinstance(restype, type), name


#: lws_* names rwsloop declares on purpose although lws 4.3.5 does not.
#: (lws_vhost_get_context was planned by the lead; it is not in lws 4.3.)
NOT_IN_LWS_OK = {"lws_vhost_get_context"}


def test_header_names_exist_in_real_lws():
    """A declared lws name that real lws 4.3.5 lacks is usually a misspelling,
    and a C program written for lws would not find the real one."""
    if not (ORACLE_INCLUDE_DIR / "libwebsockets.h").exists():
        pytest.skip(f"real lws 4.3.5 headers absent ({ORACLE_INCLUDE_DIR}); run tools/fetch-oracle.sh")
    ours = declared(INCLUDE_DIR)
    real = declared(ORACLE_INCLUDE_DIR)
    extra = sorted(n for n in ours if n not in real and not n.startswith("rwsloop_") and n not in NOT_IN_LWS_OK)
    assert not extra, f"declared in include/ but not in lws 4.3.5: {', '.join(extra)}"
    wrong = {n: {"include/": ours[n], "lws-4.3.5": real[n]} for n in ours if n in real and ours[n] != real[n]}
    assert not wrong, f"(params, variadic) differ from lws 4.3.5: {wrong}"
