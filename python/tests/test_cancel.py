"""lws_cancel_service from other Python threads (§5.10)."""

import threading
import time

import pytest

import rwsloop
from helpers import Recorder


def settled_context(*names):
    rec = Recorder()
    ctx = rwsloop.Context(protocols=rec.protocols(*names))
    assert ctx.run_until(lambda: rec.count("EVENT_WAIT_CANCELLED") >= len(names), deadline_s=5)
    return ctx, rec


def test_cancel_from_thread_wakes_blocked_service(lws, quiet_logs, is_rwsloop):
    ctx, rec = settled_context("w1", "w2")
    with ctx:
        rec.clear()
        stamps = {}

        def waker():
            time.sleep(0.3)
            stamps["cancel"] = time.monotonic()
            ctx.cancel_service()

        th = threading.Thread(target=waker)
        passes = 0

        def woken():
            nonlocal passes
            passes += 1
            return rec.count("EVENT_WAIT_CANCELLED", "w1") and rec.count("EVENT_WAIT_CANCELLED", "w2")

        start = time.monotonic()
        th.start()
        try:
            assert ctx.run_until(woken, deadline_s=5), "cancel_service did not wake the loop"
        finally:
            th.join(5)
        woke = time.monotonic()
        assert "cancel" in stamps
        assert woke >= stamps["cancel"]
        assert woke - stamps["cancel"] < 1.0
        assert woke - start >= 0.29
        # service(0) blocked rather than spinning while waiting for the cancel
        # (real lws wakes for its own internal timers and polls with 0 ms
        # through the last millisecond before each, so count only for rwsloop)
        if is_rwsloop:
            assert passes <= 5, f"{passes} passes while waiting for a cancel"


def test_cancels_coalesce(lws, quiet_logs):
    ctx, rec = settled_context("c")
    with ctx:
        rec.clear()
        n = 200
        th = threading.Thread(target=lambda: [ctx.cancel_service() for _ in range(n)])
        th.start()
        th.join(10)
        assert ctx.run_until(lambda: rec.count("EVENT_WAIT_CANCELLED"), deadline_s=5)
        ctx.run_until(lambda: False, deadline_s=0.05)
        assert 1 <= rec.count("EVENT_WAIT_CANCELLED") <= n


def test_cancel_while_another_thread_destroys(lws, quiet_logs):
    """cancel_service racing destroy never touches a freed context."""
    for _ in range(20):
        ctx, _rec = settled_context("r")
        stop = threading.Event()

        def hammer():
            while not stop.is_set():
                ctx.cancel_service()

        th = threading.Thread(target=hammer)
        th.start()
        time.sleep(0.002)
        ctx.destroy()
        stop.set()
        th.join(5)
        assert ctx.destroyed


class _Poke(Exception):
    pass


def test_signal_interrupts_blocked_service(lws, quiet_logs):
    """§5.9: a signal makes the blocking wait return, so Python's handler
    runs promptly (this is what makes Ctrl-C work in a service loop)."""
    import signal

    ctx, _rec = settled_context("s")

    def handler(signum, frame):
        raise _Poke()

    old = signal.signal(signal.SIGUSR1, handler)
    main = threading.get_ident()
    th = threading.Thread(target=lambda: (time.sleep(0.2), signal.pthread_kill(main, signal.SIGUSR1)))
    try:
        with ctx:
            start = time.monotonic()
            th.start()
            with pytest.raises(_Poke):
                ctx.run_until(lambda: False, deadline_s=5)
            assert time.monotonic() - start < 2.0
    finally:
        th.join(5)
        signal.signal(signal.SIGUSR1, old)
