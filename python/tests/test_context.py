"""Context lifetime, first service pass, callback arguments, destroy."""

import gc

import pytest

import rwsloop
from helpers import Recorder


def test_create_and_destroy(lws, quiet_logs):
    rec = Recorder()
    ctx = rwsloop.Context(protocols=rec.protocols("one"), user=0x1234)
    assert ctx.handle
    assert ctx.context_user() == 0x1234
    assert ctx.count_threads() == 1
    assert lws.lws_context_is_being_destroyed(ctx.handle) == 0
    ctx.destroy()
    assert ctx.destroyed and ctx.handle is None


def test_first_pass_delivers_init_then_wait_cancelled(lws, quiet_logs):
    """§5.1: PROTOCOL_INIT for each protocol in order, then the creation
    cancel's EVENT_WAIT_CANCELLED for each, all in the first service pass."""
    rec = Recorder()
    with rwsloop.Context(protocols=rec.protocols("alpha", "beta")) as ctx:
        assert rec.events == [], "protocols must not be initialised during creation"
        ctx.run_until(lambda: False, max_passes=1, deadline_s=5)
        assert rec.events[:4] == [
            ("alpha", "PROTOCOL_INIT"),
            ("beta", "PROTOCOL_INIT"),
            ("alpha", "EVENT_WAIT_CANCELLED"),
            ("beta", "EVENT_WAIT_CANCELLED"),
        ], rec.events


def test_callback_arguments(lws, quiet_logs):
    """PROTOCOL_INIT gets a (fake) wsi that knows its context and protocol,
    NULL user, no pvo, len 0; the reason carries its name."""
    seen = []

    def cb(wsi, reason, user, in_, len_):
        if reason == rwsloop.LWS_CALLBACK_PROTOCOL_INIT:
            seen.append(
                dict(
                    wsi=wsi,
                    user=user,
                    in_=in_,
                    len_=len_,
                    reason=reason,
                    proto=rwsloop.wsi_protocol_name(wsi),
                    ctx=rwsloop.wsi_context(wsi),
                    vhost=rwsloop.wsi_vhost(wsi),
                )
            )

    with rwsloop.Context(protocols=[rwsloop.Protocol("args", cb)]) as ctx:
        assert ctx.run_until(lambda: seen, deadline_s=5)
        s = seen[0]
        assert isinstance(s["wsi"], int) and s["wsi"] != 0
        assert (s["user"], s["in_"], s["len_"]) == (0, 0, 0)
        assert s["reason"].name == "PROTOCOL_INIT"
        assert str(s["reason"]) == "LWS_CALLBACK_PROTOCOL_INIT"
        assert int(s["reason"]) == 27
        assert s["proto"] == "args"
        assert s["ctx"] == ctx.handle
        assert s["vhost"]


def test_destroy_is_idempotent(lws, quiet_logs):
    rec = Recorder()
    ctx = rwsloop.Context(protocols=rec.protocols("p"))
    ctx.run_until(lambda: rec.count("PROTOCOL_INIT"), deadline_s=5)
    t = ctx.schedule(10_000_000, lambda: None)
    ctx.destroy()
    ctx.destroy()
    ctx.cancel_service()  # no-op once destroyed
    assert not t.pending and t.cancel() is False
    with pytest.raises(RuntimeError):
        ctx.service()
    with pytest.raises(RuntimeError):
        ctx.schedule(1, lambda: None)
    with ctx:  # a destroyed context still works as a context manager
        pass


def test_destroy_sends_protocol_destroy_after_init(lws, quiet_logs):
    """§5.2: PROTOCOL_DESTROY goes to each protocol that was initialised."""
    rec = Recorder()
    ctx = rwsloop.Context(protocols=rec.protocols("a", "b"))
    assert ctx.run_until(lambda: rec.count("PROTOCOL_INIT") == 2, deadline_s=5)
    ctx.destroy()
    assert rec.count("PROTOCOL_DESTROY", "a") == 1
    assert rec.count("PROTOCOL_DESTROY", "b") == 1


def test_context_manager_destroys(lws, quiet_logs):
    rec = Recorder()
    with rwsloop.Context(protocols=rec.protocols("cm")) as ctx:
        ctx.run_until(lambda: rec.count("PROTOCOL_INIT"), deadline_s=5)
    assert ctx.destroyed


def test_callbacks_survive_garbage_collection(lws, quiet_logs):
    """The context keeps its trampolines alive even when the caller keeps no
    reference to its Protocol objects or callables."""
    hits = []

    def make():
        return rwsloop.Context(protocols=[rwsloop.Protocol("gc", lambda *a: hits.append(a[1].name))])

    ctx = make()
    gc.collect()
    try:
        assert ctx.run_until(lambda: "EVENT_WAIT_CANCELLED" in hits, deadline_s=5)
        assert "PROTOCOL_INIT" in hits
    finally:
        ctx.destroy()


def test_info_fields_by_name(lws, quiet_logs):
    rec = Recorder()
    with rwsloop.Context(protocols=rec.protocols("v"), vhost_name="pyvhost") as ctx:
        assert ctx.run_until(lambda: rec.count("PROTOCOL_INIT"), deadline_s=5)
        vh = lws.lws_get_vhost_by_name(ctx.handle, b"pyvhost")
        assert vh
        assert lws.lws_get_vhost_name(vh) == b"pyvhost"
    with pytest.raises(TypeError):
        rwsloop.Context(protocols=rec.protocols("v"), no_such_member=1)


def test_callback_none_uses_http_dummy(lws, quiet_logs):
    rec = Recorder()
    protos = [rwsloop.Protocol("http", None)] + rec.protocols("after")
    with rwsloop.Context(protocols=protos) as ctx:
        assert ctx.run_until(lambda: rec.count("EVENT_WAIT_CANCELLED"), deadline_s=5)
        assert rec.count("PROTOCOL_INIT", "after") == 1


def test_destroy_from_inside_a_callback(lws, quiet_logs):
    """lws allows destroying the context from a callback; the pass returns
    and the binding keeps callbacks alive until then."""
    holder = {}
    rec = Recorder()

    def extra(wsi, reason, user, in_, len_):
        if reason == rwsloop.LWS_CALLBACK_EVENT_WAIT_CANCELLED and "done" not in holder:
            holder["done"] = True
            holder["ctx"].destroy()

    ctx = rwsloop.Context(protocols=[rwsloop.Protocol("d", rec.callback_for("d", extra))])
    holder["ctx"] = ctx
    ctx.run_until(lambda: ctx.destroyed, deadline_s=5)
    assert ctx.destroyed
    ctx.destroy()
