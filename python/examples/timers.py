#!/usr/bin/env python3
"""Three timers and a wake-up from another thread, on the rwsloop event loop.

    RWSLOOP_LIB=target/release/librwsloop.so PYTHONPATH=python \
        python3 python/examples/timers.py
"""

import threading
import time

import rwsloop


def on_event(wsi, reason, user, in_, len_):
    if reason in (rwsloop.LWS_CALLBACK_PROTOCOL_INIT, rwsloop.LWS_CALLBACK_EVENT_WAIT_CANCELLED):
        print(f"  protocol callback: {reason.name}")


def main():
    rwsloop.set_log_level(rwsloop.LLL_ERR | rwsloop.LLL_WARN, rwsloop.emit_stderr)
    start = rwsloop.now_us()

    def tick(name):
        print(f"  {name} fired at {(rwsloop.now_us() - start) / 1000:.1f} ms")

    with rwsloop.Context(protocols=[rwsloop.Protocol("demo", on_event)]) as ctx:
        print(f"library: {rwsloop.library_version()}")
        timers = [ctx.schedule(ms * 1000, lambda n=f"{ms} ms timer": tick(n)) for ms in (300, 100, 200)]
        never = ctx.schedule(250_000, lambda: tick("cancelled timer"))
        never.cancel()

        # Another thread may only wake the loop; the protocols then get
        # EVENT_WAIT_CANCELLED on the loop thread.
        threading.Thread(target=lambda: (time.sleep(0.15), ctx.cancel_service())).start()

        done = ctx.run_until(lambda: all(t.fired for t in timers), deadline_s=5)
        print("all timers fired" if done else "timed out")
    return 0 if done else 1


if __name__ == "__main__":
    raise SystemExit(main())
