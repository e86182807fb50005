#!/usr/bin/env python3
"""Run every bench figure against rwsloop, lws 4.3.5, lws 4.1.6 and the epoll
reference, interleaved run by run, and write one table.

    run.py --bin build/bench --out bench/results/latest.md [--quick | --smoke]
           [--libdir target/release] [--oracle-lib .oracle/4.3.5/usr/lib/...]

Every process started here is kept by PID and stopped by PID (SIGTERM, then
SIGKILL); each also ends by itself (its --lifetime). All traffic is on
127.0.0.1. The table format is checked by check_table.py; the figures, their
parameters and the targets are described in bench/README.md.
"""

import argparse
import datetime
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__

import figures  # noqa: E402  (after the line above, on purpose)
import foreign  # noqa: E402
import report  # noqa: E402

FIGURES = figures.ALL + foreign.ALL
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Parameters per mode. Times in ms unless named otherwise.
MODES = {
    "full": dict(
        echo_ns=[10, 100, 1000, 10000], echo_reps=3, warmup=300, measure=1000,
        big_reps=3, idle_bg=10000, idle_reps=2, mem_ns=[1000, 10000],
        cancel_wakes=2000, cancel_calls=1000000, cancel_threads=8,
        cancel_lat_reps=3, cancel_floods=3, cancel_cap=5,
        timer_counts=[10**3, 10**4, 10**5, 10**6],
        timer_reps=3, timer_spread_us=1000000, timer_cap=15, idle_s=10, tick_s=2,
        foreign_n=1000, foreign_reps=6),
    "quick": dict(
        echo_ns=[10, 100, 1000], echo_reps=1, warmup=150, measure=400,
        big_reps=1, idle_bg=2000, idle_reps=1, mem_ns=[1000, 2000],
        cancel_wakes=500, cancel_calls=1000000, cancel_threads=8,
        cancel_lat_reps=1, cancel_floods=1, cancel_cap=2,
        timer_counts=[10**3, 10**4, 10**5, 10**6],
        timer_reps=1, timer_spread_us=1000000, timer_cap=2, idle_s=3, tick_s=0.4,
        foreign_n=1000, foreign_reps=1),
    "smoke": dict(
        echo_ns=[10, 100], echo_reps=1, warmup=50, measure=200,
        big_reps=1, idle_bg=100, idle_reps=1, mem_ns=[100, 200],
        cancel_wakes=50, cancel_calls=10000, cancel_threads=8,
        cancel_lat_reps=1, cancel_floods=1, cancel_cap=3,
        timer_counts=[10**3, 10**4],
        timer_reps=1, timer_spread_us=200000, timer_cap=3, idle_s=1, tick_s=0.4,
        foreign_n=100, foreign_reps=1),
}


class Procs:
    """Every process the bench starts, so each can be stopped by its PID."""

    def __init__(self, tmpdir):
        self.live = []
        self.tmpdir = tmpdir
        self.count = 0

    def start(self, argv, stdin=None, env=None):
        """Start argv with stdout piped and stderr to a file."""
        self.count += 1
        errpath = os.path.join(self.tmpdir, "stderr.%d" % self.count)
        errf = open(errpath, "w")
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=errf,
                             stdin=stdin, env=env, text=True)
        errf.close()
        p.errpath = errpath
        self.live.append(p)
        return p

    def stop(self, p, grace=2.0):
        """SIGTERM, then SIGKILL after grace seconds; by PID only."""
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGTERM)
                p.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
            except ProcessLookupError:
                pass
        if p in self.live:
            self.live.remove(p)

    def stop_all(self):
        for p in list(self.live):
            self.stop(p, grace=0.5)

    @staticmethod
    def stderr_of(p, limit=3):
        try:
            with open(p.errpath) as f:
                lines = [l.rstrip() for l in f if l.strip()]
        except OSError:
            return []
        return lines[:limit]


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S %z").strip(),
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin", required=True, help="build/bench directory")
    ap.add_argument("--out", required=True, help="markdown file to write")
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--quick", action="store_true")
    g.add_argument("--smoke", action="store_true")
    ap.add_argument("--only", help="comma-separated figure numbers to run")
    ap.add_argument("--libdir", default=os.path.join(TOP, "target", "release"),
                    help="librwsloop.so and its foreign-loop plugins (figure 8)")
    ap.add_argument("--oracle-lib", default=os.path.join(
        TOP, ".oracle", "4.3.5", "usr", "lib", "x86_64-linux-gnu"),
        help="lws 4.3.5's libraries and evlib plugins (figure 8)")
    args = ap.parse_args()
    # figure 8 measures the plugins beside --libdir's librwsloop.so, which
    # is where the library looks when this is unset
    os.environ.pop("RWSLOOP_EVLIB_DIR", None)

    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    cfg = dict(MODES[mode])
    only = set(int(x) for x in args.only.split(",")) if args.only else None
    tmpdir = tempfile.mkdtemp(prefix="rwsloop-bench.")
    procs = Procs(tmpdir)

    def on_signal(signum, frame):
        procs.stop_all()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    ctx = figures.Context(args.bin, procs, cfg, mode, libdir=os.path.abspath(args.libdir),
                          oracle_lib=os.path.abspath(args.oracle_lib))
    started = time.monotonic()
    try:
        for number, fn in FIGURES:
            if only and number not in only:
                continue
            t0 = time.monotonic()
            print("figure %d: %s ..." % (number, fn.__doc__.strip().splitlines()[0]),
                  file=sys.stderr, flush=True)
            fn(ctx)
            print("figure %d: %.1f s" % (number, time.monotonic() - t0),
                  file=sys.stderr, flush=True)
    finally:
        procs.stop_all()
        shutil.rmtree(tmpdir, ignore_errors=True)
    elapsed = time.monotonic() - started

    text = report.render(ctx, machine(), mode, elapsed)
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(report.render_console(ctx, mode, elapsed))
    print("written: %s" % args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
