"""Exceptions in Python callbacks never cross into C."""

import logging

import pytest

import rwsloop
from helpers import Recorder


def test_exception_becomes_minus_one_and_is_logged(lws, quiet_logs, caplog):
    def cb(wsi, reason, user, in_, len_):
        raise RuntimeError("callback boom")

    with rwsloop.Context(protocols=[rwsloop.Protocol("err", cb)]) as ctx:
        # Call the C function pointer the library holds, through libffi.
        fn = ctx.protocol_array[0].callback
        with caplog.at_level(logging.ERROR, logger="rwsloop"):
            rv = fn(None, rwsloop.LWS_CALLBACK_USER, None, None, 0)
        assert rv == -1
        assert any("callback boom" in (r.exc_text or "") for r in caplog.records)
        err = ctx.callback_errors[-1]
        assert isinstance(err.exception, RuntimeError)
        assert err.reason == rwsloop.LWS_CALLBACK_USER and err.reason.name == "USER"


def test_return_values_pass_through(lws, quiet_logs):
    answers = iter([None, 0, 1, 7, True])

    def cb(*a):
        return next(answers)

    with rwsloop.Context(protocols=[rwsloop.Protocol("ret", cb)]) as ctx:
        fn = ctx.protocol_array[0].callback
        got = [fn(None, rwsloop.LWS_CALLBACK_USER, None, None, 0) for _ in range(5)]
        assert got == [0, 0, 1, 7, 1]


def test_exception_in_protocol_init_acts_as_minus_one(lws, quiet_logs, caplog):
    """Through the library: -1 from PROTOCOL_INIT stops that vhost's protocol
    init (§5.2/§5.6), so the next protocol gets no PROTOCOL_INIT, yet the
    loop keeps running (cancels and timers still work)."""
    rec = Recorder()

    def extra(wsi, reason, user, in_, len_):
        if reason == rwsloop.LWS_CALLBACK_PROTOCOL_INIT:
            raise KeyError("in the loop")

    protos = [rwsloop.Protocol("x", rec.callback_for("x", extra))] + rec.protocols("y")
    with rwsloop.Context(protocols=protos) as ctx:
        with caplog.at_level(logging.ERROR, logger="rwsloop"):
            t = ctx.schedule(20_000, lambda: None)
            assert ctx.run_until(lambda: t.fired and rec.count("EVENT_WAIT_CANCELLED", "y"), deadline_s=5)
            ctx.cancel_service()
            assert ctx.run_until(lambda: rec.count("EVENT_WAIT_CANCELLED", "y") >= 2, deadline_s=5)
        assert rec.count("PROTOCOL_INIT", "x") == 1
        assert rec.count("PROTOCOL_INIT", "y") == 0
        assert isinstance(ctx.callback_errors[0].exception, KeyError)
        assert ctx.callback_errors[0].reason.name == "PROTOCOL_INIT"
        assert any("in the loop" in (r.exc_text or "") for r in caplog.records)


def test_keyboard_interrupt_is_reraised_after_the_pass(lws, quiet_logs):
    def cb(wsi, reason, user, in_, len_):
        if reason == rwsloop.LWS_CALLBACK_PROTOCOL_INIT:
            raise KeyboardInterrupt

    with rwsloop.Context(protocols=[rwsloop.Protocol("ki", cb)]) as ctx:
        with pytest.raises(KeyboardInterrupt):
            ctx.run_until(lambda: False, deadline_s=5)
        # the context is still usable afterwards
        ctx.cancel_service()
        ctx.run_until(lambda: False, max_passes=1, deadline_s=1)


def test_service_reentry_is_refused(lws, quiet_logs):
    holder = {}

    def cb(wsi, reason, user, in_, len_):
        if reason == rwsloop.LWS_CALLBACK_PROTOCOL_INIT:
            holder["ctx"].service()

    with rwsloop.Context(protocols=[rwsloop.Protocol("re", cb)]) as ctx:
        holder["ctx"] = ctx
        ctx.run_until(lambda: ctx.callback_errors, deadline_s=5)
        assert isinstance(ctx.callback_errors[0].exception, RuntimeError)
