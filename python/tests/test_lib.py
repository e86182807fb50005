"""Finding the library: RWSLOOP_LIB, pkg-config, build tree; clear errors."""

import pytest

from rwsloop import _lib


def test_env_var_wins_and_failure_lists_what_was_tried(monkeypatch, tmp_path):
    bogus = tmp_path / "nope.so"
    monkeypatch.setenv(_lib.ENV_VAR, str(bogus))
    with pytest.raises(_lib.LibraryNotFoundError) as ei:
        _lib.load()
    msg = str(ei.value)
    assert str(bogus) in msg and "no such file" in msg
    assert len(ei.value.tried) == 1  # an explicit path is the only candidate


def test_env_var_pointing_at_a_non_library(monkeypatch, tmp_path):
    junk = tmp_path / "junk.so"
    junk.write_text("not an ELF file")
    monkeypatch.setenv(_lib.ENV_VAR, str(junk))
    with pytest.raises(_lib.LibraryNotFoundError) as ei:
        _lib.load()
    assert "failed to load" in str(ei.value)


def test_search_order_without_env(monkeypatch):
    monkeypatch.delenv(_lib.ENV_VAR, raising=False)
    cands = _lib.candidates()
    where = [w for w, _, _ in cands]
    assert where[0] == "$RWSLOOP_LIB" and cands[0][1] is None
    assert any(w.startswith("pkg-config") for w in where)
    assert where[-1] == "build tree" and cands[-1][1].endswith("target/release/librwsloop.so")


def test_error_message_mentions_every_step(monkeypatch):
    monkeypatch.delenv(_lib.ENV_VAR, raising=False)
    monkeypatch.setattr(_lib, "BUILD_TREE_LIB", _lib.Path("/nonexistent/librwsloop.so"))
    monkeypatch.setattr(_lib, "_pkg_config_libdir", lambda: (None, "pkg-config does not know rwsloop"))
    with pytest.raises(_lib.LibraryNotFoundError) as ei:
        _lib.load()
    msg = str(ei.value)
    assert "RWSLOOP_LIB" in msg and "pkg-config" in msg and "/nonexistent/librwsloop.so" in msg


def test_loaded_library_exports_the_core(lws):
    for name in ("lws_create_context", "lws_context_destroy", "lws_service", "lws_cancel_service",
                 "lws_sul_schedule", "lws_sul_cancel", "lws_now_usecs", "lws_set_log_level", "_lws_log"):
        assert lws.has(name), f"{lws.path} lacks {name}"
