"""Context.schedule / Timer: lws_sul_* through the binding (§5.7)."""

import time

import pytest

import rwsloop
from helpers import Recorder


def started_context():
    rec = Recorder()
    ctx = rwsloop.Context(protocols=rec.protocols("t"))
    assert ctx.run_until(lambda: rec.count("PROTOCOL_INIT"), deadline_s=5)
    return ctx


def test_timer_fires_once_and_not_early(lws, quiet_logs):
    with started_context() as ctx:
        fired = []
        before = rwsloop.now_us()
        t = ctx.schedule(50_000, lambda: fired.append(rwsloop.now_us()))
        assert t.pending and t.due_us, "lws_sul_schedule must set sul->us"
        assert before + 50_000 <= t.due_us <= rwsloop.now_us() + 50_000
        assert ctx.run_until(lambda: fired, deadline_s=5)
        assert fired[0] >= t.due_us, f"fired {t.due_us - fired[0]} us early"
        assert t.fired and not t.pending and t.fired_us >= t.due_us
        # keep servicing for a while: it must not fire again
        ctx.run_until(lambda: False, deadline_s=0.15)
        assert len(fired) == 1
        assert t.cancel() is False


def test_timers_fire_in_due_order(lws, quiet_logs):
    with started_context() as ctx:
        order = []
        for delay in (30_000, 10_000, 20_000, 0):
            ctx.schedule(delay, lambda d=delay: order.append(d))
        assert ctx.run_until(lambda: len(order) == 4, deadline_s=5)
        assert order == [0, 10_000, 20_000, 30_000]


def test_zero_delay_runs_on_next_pass_not_synchronously(lws, quiet_logs):
    with started_context() as ctx:
        fired = []
        ctx.schedule(0, lambda: fired.append(1))
        assert fired == []
        assert ctx.run_until(lambda: fired, max_passes=3, deadline_s=5)


def test_timer_cancel(lws, quiet_logs):
    with started_context() as ctx:
        fired = []
        t = ctx.schedule(40_000, lambda: fired.append("t"))
        keep = ctx.schedule(80_000, lambda: fired.append("keep"))
        assert t.cancel() is True
        assert t.cancelled and not t.pending
        assert t.cancel() is False
        assert ctx.run_until(lambda: "keep" in fired, deadline_s=5)
        ctx.run_until(lambda: False, deadline_s=0.05)
        assert fired == ["keep"] and keep.fired


def test_cancel_from_another_timer(lws, quiet_logs):
    with started_context() as ctx:
        fired = []
        victim = ctx.schedule(60_000, lambda: fired.append("victim"))
        ctx.schedule(10_000, lambda: fired.append(("cancelled", victim.cancel())))
        done = ctx.schedule(100_000, lambda: fired.append("done"))
        assert ctx.run_until(lambda: done.fired, deadline_s=5)
        assert fired == [("cancelled", True), "done"]


def test_timer_can_schedule_another(lws, quiet_logs):
    with started_context() as ctx:
        ticks = []

        def tick():
            ticks.append(rwsloop.now_us())
            if len(ticks) < 3:
                ctx.schedule(5_000, tick)

        ctx.schedule(5_000, tick)
        assert ctx.run_until(lambda: len(ticks) == 3, deadline_s=5)
        assert all(b - a >= 5_000 for a, b in zip(ticks, ticks[1:]))


def test_idle_loop_does_not_spin(lws, quiet_logs, is_rwsloop):
    """Waiting 200 ms for a timer takes a handful of passes, not thousands."""
    if not is_rwsloop:
        pytest.skip("real lws 4.3 polls with a 0 ms timeout through the last "
                    "millisecond before each timer; rwsloop promises not to spin")
    with started_context() as ctx:
        t = ctx.schedule(200_000, lambda: None)
        passes = 0

        def pred():
            nonlocal passes
            passes += 1
            return t.fired

        start = time.monotonic()
        assert ctx.run_until(pred, deadline_s=5)
        assert time.monotonic() - start >= 0.19
        assert passes <= 10, f"{passes} service passes while idle"


def test_timer_exception_is_logged_and_loop_continues(lws, quiet_logs, caplog):
    with started_context() as ctx:
        after = []

        def boom():
            raise ValueError("timer boom")

        ctx.schedule(1_000, boom)
        ctx.schedule(20_000, lambda: after.append(1))
        with caplog.at_level("ERROR", logger="rwsloop"):
            assert ctx.run_until(lambda: after, deadline_s=5)
        assert any("timer boom" in (r.exc_text or "") or "timer" in r.getMessage() for r in caplog.records)
        assert isinstance(ctx.callback_errors[-1].exception, ValueError)


def test_pending_timers_dropped_on_destroy(lws, quiet_logs):
    ctx = started_context()
    fired = []
    t = ctx.schedule(1_000, lambda: fired.append(1))
    ctx.destroy()
    assert not t.pending and t.cancel() is False and fired == []
