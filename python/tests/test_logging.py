"""lws_set_log_level with a Python emitter, lwsl_visible, _lws_log (§5.13)."""

import rwsloop


def test_emit_callable_receives_lines(lws):
    lines = []
    try:
        rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_USER, lambda lvl, line: lines.append((lvl, line)))
        assert rwsloop.log_visible(rwsloop.LLL_USER)
        assert not rwsloop.log_visible(rwsloop.LLL_DEBUG)
        rwsloop.log(rwsloop.LLL_USER, "hello from python %d%%")
        rwsloop.log(rwsloop.LLL_DEBUG, "filtered out")
        assert [lvl for lvl, _ in lines] == [rwsloop.LLL_USER]
        assert "hello from python %d%%" in lines[0][1]
        assert all(isinstance(line, str) for _, line in lines)

        # emit=None keeps the current emitter, only the mask changes
        rwsloop.set_log_level(rwsloop.LLL_ERR)
        assert not rwsloop.log_visible(rwsloop.LLL_USER)
        rwsloop.log(rwsloop.LLL_USER, "now hidden")
        rwsloop.log(rwsloop.LLL_ERR, "still shown")
        assert len(lines) == 2 and "still shown" in lines[1][1]
    finally:
        rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN | rwsloop.LLL_NOTICE, rwsloop.emit_stderr)


def test_library_lines_reach_the_emitter(lws):
    """Lines the library itself logs (hexdump at an enabled level) arrive."""
    lines = []
    try:
        rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_NOTICE, lambda lvl, line: lines.append((lvl, line)))
        data = b"\x00\x01ABC"
        lws.lwsl_hexdump_level(rwsloop.LLL_NOTICE, data, len(data))
        assert lines and all(lvl == rwsloop.LLL_NOTICE for lvl, _ in lines)
        assert any("41 42 43" in line for _, line in lines), lines
    finally:
        rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN | rwsloop.LLL_NOTICE, rwsloop.emit_stderr)


def test_broken_emitter_does_not_break_logging(lws, capfd):
    def bad(lvl, line):
        raise ValueError("bad emitter")

    try:
        rwsloop.set_log_level(rwsloop.LLL_ERR, bad)
        rwsloop.log(rwsloop.LLL_ERR, "x")
    finally:
        rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN | rwsloop.LLL_NOTICE, rwsloop.emit_stderr)
    assert "exception in the log emit callable" in capfd.readouterr().err


def test_library_version_and_clock(lws):
    assert rwsloop.library_version()
    a = rwsloop.now_us()
    b = rwsloop.now_us()
    assert 0 < a <= b
    assert lws.lws_now_secs() > 0
