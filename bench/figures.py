"""Figures 1-7 and what every figure shares (rows, the Context, one echo
run). Each figure function runs its figure's runs, rotating the order of the
implementations from one repetition to the next so machine drift hits all
alike, and records one value per run in the Context. Figure 8 (foreign
loops) is in foreign.py."""

import os
import statistics
import subprocess
import time

import measure

IMPLS = ["rwsloop", "lws43", "lws41", "epoll"]
LWS_IMPLS = ["rwsloop", "lws43", "lws41"]
NAMES = {"rwsloop": "rwsloop", "lws43": "lws 4.3.5", "lws41": "lws 4.1.6",
         "epoll": "epoll ref"}

FAILED = "failed"
NA = "n/a"


def dnf(seconds):
    return "did not finish in %g s" % seconds


class Row:
    def __init__(self, key, fig, label, better, derive=None):
        self.key, self.fig, self.label = key, fig, label
        self.better = better        # "low", "high" or None
        self.runs = {i: [] for i in IMPLS}
        # a row computed from other rows (derive(impl) -> cell) has no runs
        # of its own, and its ratio columns are n/a
        self.derive = derive

    def cell(self, impl):
        """Median of the runs; a failed or unfinished run wins over numbers."""
        if self.derive:
            return self.derive(impl)
        vals = self.runs[impl]
        if not vals:
            return NA
        for v in vals:
            if isinstance(v, str):
                return v
        return statistics.median(vals)


class Context:
    def __init__(self, bindir, procs, cfg, mode, libdir=None, oracle_lib=None):
        self.bindir, self.procs, self.cfg, self.mode = bindir, procs, cfg, mode
        self.libdir = libdir          # librwsloop.so and its plugins
        self.oracle_lib = oracle_lib  # lws 4.3.5's libraries and plugins
        self.rows = []
        self.by_key = {}
        self.raw = []          # one line per run
        self.notes = []        # what went wrong, and where
        self.ran = []          # what was run, per figure
        self.sys = measure.SysCounter()

    def row(self, key, fig, label, better=None, derive=None):
        if key not in self.by_key:
            r = Row(key, fig, label, better, derive)
            self.rows.append(r)
            self.by_key[key] = r
        return self.by_key[key]

    def put(self, key, impl, value):
        self.by_key[key].runs[impl].append(value)

    def note(self, text):
        if text not in self.notes:
            self.notes.append(text)

    def log_raw(self, fig, impl, what, fields):
        items = " ".join("%s=%s" % (k, _short(v)) for k, v in fields.items())
        self.raw.append("fig%d %-8s %s %s" % (fig, impl, what, items))

    def path(self, impl, prog):
        if impl == "epoll":
            sub = {"echo_server": "epoll_echo", "idle": "epoll_echo"}[prog]
            return os.path.join(self.bindir, "ref", sub)
        return os.path.join(self.bindir, impl, prog)

    def ref(self, prog):
        return os.path.join(self.bindir, "ref", prog)

    def start_server(self, impl, prog="echo_server", args=(), lifetime=60, wrap=()):
        """Start a server; returns (process, port) or (process, None). wrap
        is an argv prefix that must exec the server (same PID)."""
        p = self.procs.start(list(wrap) + [self.path(impl, prog), "--lifetime", str(lifetime)]
                             + list(args))
        line = _readline(p, 10)
        if not line or not line.startswith("PORT "):
            return p, None
        return p, int(line.split()[1])

    def server_trouble(self, p, impl, what):
        """Record what a server wrote on stderr, if anything."""
        for line in self.procs.stderr_of(p):
            self.note("%s, %s: server stderr: %s" % (NAMES[impl], what, line))

    def rotation(self, rep, impls=IMPLS):
        k = rep % len(impls)
        return impls[k:] + impls[:k]


def _short(v):
    if isinstance(v, float):
        return ("%.3f" % v).rstrip("0").rstrip(".")
    return str(v).replace(" ", "_")


def _readline(p, timeout):
    return measure.readline(p, timeout)


def loadgen(ctx, impl, port, pid, conns, size, idle=0, warmup=None, measure_ms=None,
            timeout_s=60, counter=None, count_names=()):
    """One load generator run against a server; returns (result dict or None,
    syscall counts or None, error text or None)."""
    warmup = ctx.cfg["warmup"] if warmup is None else warmup
    measure_ms = ctx.cfg["measure"] if measure_ms is None else measure_ms
    argv = [ctx.ref("loadgen"), "--port", str(port), "--conns", str(conns),
            "--idle", str(idle), "--size", str(size), "--warmup-ms", str(warmup),
            "--measure-ms", str(measure_ms), "--server-pid", str(pid),
            "--timeout-s", str(timeout_s)]

    def go():
        try:
            return subprocess.run(argv, capture_output=True, text=True,
                                  timeout=timeout_s + 20)
        except subprocess.TimeoutExpired:
            return None

    if counter:
        r, counts = counter.count(pid, list(count_names), go, ctx.procs.tmpdir)
    else:
        r, counts = go(), None
    if r is None:
        return None, None, "load generator timed out"
    res = None
    for line in r.stdout.splitlines():
        if line.startswith("RESULT "):
            res = _parse(line)
    if res is None or r.returncode != 0 or res.get("ok") != 1:
        why = " / ".join(l for l in r.stderr.splitlines()[:3]) or "exit %d" % r.returncode
        return res, counts, why
    return res, counts, None


def _parse(line):
    return measure.parse_kv(line)


# ---------------------------------------------------------------- figure 1

def fig1_echo(ctx):
    """raw echo, 64-byte messages, one in flight per connection"""
    c = ctx.cfg
    ctx.ran.append("1: 64 B echo at N = %s connections, %d run(s) each, %d ms warm-up + "
                   "%d ms measured per run" % (", ".join(map(str, c["echo_ns"])),
                                               c["echo_reps"], c["warmup"], c["measure"]))
    for n in c["echo_ns"]:
        ctx.row("f1.rate@%d" % n, 1, "N=%d: messages/s" % n, "high")
        ctx.row("f1.p50@%d" % n, 1, "N=%d: round trip p50 (us)" % n, "low")
        ctx.row("f1.p99@%d" % n, 1, "N=%d: round trip p99 (us)" % n, "low")
        ctx.row("f1.cpu@%d" % n, 1, "N=%d: server CPU per message (us)" % n, "low")
        for rep in range(c["echo_reps"]):
            for impl in ctx.rotation(rep):
                echo_run(ctx, 1, impl, n, 64, 0, [
                    ("f1.rate@%d" % n, "msgs_per_s"), ("f1.p50@%d" % n, "p50_us"),
                    ("f1.p99@%d" % n, "p99_us"), ("f1.cpu@%d" % n, "cpu_us_per_msg")])
    reconnect(ctx)


def echo_run(ctx, fig, impl, conns, size, idle, keys, prog="echo_server", wrap=(),
             where=""):
    """Fresh server, one load generator run; keys is [(row key, result
    field)], cpu_us_per_msg being the server's CPU time per message. prog
    and wrap choose and start the server (see start_server); where is
    added to what the notes and raw numbers call the run."""
    total = conns + idle
    timeout_s = 30 + total // 500
    p, port = ctx.start_server(impl, prog=prog, lifetime=timeout_s + 30, wrap=wrap)
    what = "%d conns%s, %d B%s" % (conns, " + %d idle" % idle if idle else "", size, where)
    if port is None:
        for k, _ in keys:
            ctx.put(k, impl, FAILED)
        ctx.note("%s, %s: server did not start" % (NAMES[impl], what))
        ctx.procs.stop(p)
        return None
    res, _, err = loadgen(ctx, impl, port, p.pid, conns, size, idle=idle,
                          timeout_s=timeout_s)
    alive = p.poll() is None
    ctx.procs.stop(p)
    if err or not alive:
        for k, _ in keys:
            ctx.put(k, impl, FAILED)
        ctx.note("%s, %s: %s" % (NAMES[impl], what,
                                 err or "server exited during the run"))
        ctx.server_trouble(p, impl, what)
        ctx.log_raw(fig, impl, what, {"failed": err or "server exited"})
        return None
    res["cpu_us_per_msg"] = (res["server_cpu_ns"] / res["msgs"] / 1e3
                             if res["msgs"] and res["server_cpu_ns"] >= 0 else FAILED)
    for k, field in keys:
        ctx.put(k, impl, res[field])
    ctx.log_raw(fig, impl, what, res)
    ctx.server_trouble(p, impl, what)
    return res


def reconnect(ctx):
    """Not a speed figure: a server must serve a second wave of connections
    after the first one closed (fd numbers get reused)."""
    key = "f1.rewave"
    ctx.row(key, 1, "second wave of 10 conns on the same server: messages/s", "high")
    for impl in IMPLS:
        p, port = ctx.start_server(impl, lifetime=40)
        ok = port is not None
        res = None
        err = None if ok else "server did not start"
        for wave in (1, 2):
            if not ok:
                break
            res, _, err = loadgen(ctx, impl, port, p.pid, 10, 64, warmup=50,
                                  measure_ms=200, timeout_s=2)
            ok = err is None
            if not ok:
                err = "wave %d: %s" % (wave, err)
        ctx.procs.stop(p)
        if ok:
            ctx.put(key, impl, res["msgs_per_s"])
        else:
            ctx.put(key, impl, FAILED)
            ctx.note("%s, second wave of connections: %s" % (NAMES[impl], err))
            ctx.server_trouble(p, impl, "second wave")
        ctx.log_raw(1, impl, "second wave", res if ok else {"failed": err})


# ---------------------------------------------------------------- figure 2

def fig2_big(ctx):
    """raw echo, 64 KiB messages, 10 connections"""
    c = ctx.cfg
    ctx.row("f2.mbps", 2, "64 KiB echo, 10 conns: MB/s", "high")
    ctx.row("f2.sys", 2, "64 KiB echo: server syscalls per message", "low")
    for rep in range(c["big_reps"]):
        for impl in ctx.rotation(rep):
            echo_run(ctx, 2, impl, 10, 65536, 0, [("f2.mbps", "mb_per_s")])
    # syscall counts in separate runs: the counter's own cost stays out of MB/s
    names = measure.WAIT_SYSCALLS + measure.IO_SYSCALLS
    method = ctx.sys.method
    ctx.ran.append("2: 64 KiB echo, 10 conns, %d run(s) for MB/s; one more run per "
                   "implementation counted with %s for syscalls/message" %
                   (c["big_reps"], method or "nothing (no perf, no strace)"))
    for impl in IMPLS:
        if not method:
            ctx.put("f2.sys", impl, NA)
            continue
        p, port = ctx.start_server(impl, lifetime=60)
        if port is None:
            ctx.put("f2.sys", impl, FAILED)
            ctx.procs.stop(p)
            continue
        res, counts, err = loadgen(ctx, impl, port, p.pid, 10, 65536, warmup=50,
                                   measure_ms=min(500, c["measure"] * 3 // 4), timeout_s=30,
                                   counter=ctx.sys, count_names=names)
        ctx.procs.stop(p)
        if err:
            ctx.put("f2.sys", impl, FAILED)
            ctx.note("%s, 64 KiB syscall run: %s" % (NAMES[impl], err))
        elif not counts:
            ctx.put("f2.sys", impl, NA)
        else:
            ctx.put("f2.sys", impl, counts["total"] / res["msgs_total"])
            counts = dict(counts, msgs_total=res["msgs_total"])
        ctx.log_raw(2, impl, "64KiB syscalls", counts or {"counts": "n/a"})


# ---------------------------------------------------------------- figure 3

def fig3_idle_plus_active(ctx):
    """10 active connections next to many idle ones"""
    c = ctx.cfg
    n = c["idle_bg"]
    ctx.ran.append("3: 10 active 64 B connections + %d idle, %d run(s)" % (n, c["idle_reps"]))
    ctx.row("f3.p50@%d" % n, 3, "%d idle + 10 active: round trip p50 (us)" % n, "low")
    ctx.row("f3.p99@%d" % n, 3, "%d idle + 10 active: round trip p99 (us)" % n, "low")
    ctx.row("f3.cpu@%d" % n, 3, "%d idle + 10 active: server CPU per message (us)" % n, "low")
    for rep in range(c["idle_reps"]):
        for impl in ctx.rotation(rep):
            echo_run(ctx, 3, impl, 10, 64, n, [
                ("f3.p50@%d" % n, "p50_us"), ("f3.p99@%d" % n, "p99_us"),
                ("f3.cpu@%d" % n, "cpu_us_per_msg")])


# ---------------------------------------------------------------- figure 4

def fig4_memory(ctx):
    """memory per idle connection, and of an empty context"""
    c = ctx.cfg
    ctx.ran.append("4: RSS (VmRSS) with %s idle connections, fresh server each; "
                   "empty server vs a sleeping C program" % " and ".join(map(str, c["mem_ns"])))
    for n in c["mem_ns"]:
        ctx.row("f4.perconn@%d" % n, 4, "RSS per idle connection at N=%d (bytes)" % n, "low")
    ctx.row("f4.empty", 4, "empty server RSS over a bare process (MB)", "low")
    bare = bare_rss(ctx)
    empties = {i: [] for i in IMPLS}
    for rep, n in enumerate(c["mem_ns"]):
        for impl in ctx.rotation(rep):
            empty, per = memory_run(ctx, impl, n)
            ctx.put("f4.perconn@%d" % n, impl, per)
            if isinstance(empty, int):
                empties[impl].append(empty)
    for impl in IMPLS:
        if bare is None or not empties[impl]:
            ctx.put("f4.empty", impl, FAILED)
        else:
            ctx.put("f4.empty", impl, (statistics.median(empties[impl]) - bare) / 1024.0)
    ctx.log_raw(4, "bare", "rss_kb", {"rss_kb": bare})


def bare_rss(ctx):
    p = ctx.procs.start([ctx.ref("bare"), "--lifetime", "20"])
    line = _readline(p, 5)
    time.sleep(0.2)
    rss = measure.rss_kb(p.pid) if line == "READY" else None
    ctx.procs.stop(p)
    return rss


def memory_run(ctx, impl, n):
    """(empty RSS kB, bytes per connection or FAILED)."""
    timeout_s = 30 + n // 500
    p, port = ctx.start_server(impl, lifetime=timeout_s + 30)
    if port is None:
        ctx.procs.stop(p)
        return None, FAILED
    time.sleep(0.3)
    empty = measure.rss_kb(p.pid)
    lg = ctx.procs.start([ctx.ref("loadgen"), "--port", str(port), "--conns", "0",
                          "--idle", str(n), "--hold", "--timeout-s", str(timeout_s)],
                         stdin=subprocess.PIPE)
    line = _readline(lg, timeout_s + 5)
    full = None
    if line and line.startswith("READY"):
        time.sleep(0.3)
        full = measure.rss_kb(p.pid)
    try:
        lg.stdin.close()
        lg.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    rest = lg.stdout.read() if lg.poll() is not None else ""
    ctx.procs.stop(lg)
    ctx.procs.stop(p)
    ok = full is not None and lg.returncode == 0 and "ok=1" in rest
    if not ok:
        ctx.note("%s, memory with %d idle connections: %s" %
                 (NAMES[impl], n, " / ".join(ctx.procs.stderr_of(lg)) or "no READY"))
        ctx.server_trouble(p, impl, "memory, %d idle" % n)
        ctx.log_raw(4, impl, "%d idle" % n, {"failed": 1, "empty_kb": empty})
        return empty, FAILED
    per = (full - empty) * 1024.0 / n
    ctx.log_raw(4, impl, "%d idle" % n, {"empty_kb": empty, "full_kb": full,
                                          "bytes_per_conn": per})
    return empty, per


# ---------------------------------------------------------------- figure 5

def fig5_cancel(ctx):
    """lws_cancel_service: wake latency and a flood from 8 threads"""
    c = ctx.cfg
    ctx.ran.append("5: %d wakes one at a time, %d run(s); %d calls from %d threads, %d "
                   "run(s); each run capped at %d s" % (
                       c["cancel_wakes"], c["cancel_lat_reps"], c["cancel_calls"],
                       c["cancel_threads"], c["cancel_floods"], c["cancel_cap"]))
    ctx.row("f5.p50", 5, "cancel -> EVENT_WAIT_CANCELLED p50 (us)", "low")
    ctx.row("f5.p99", 5, "cancel -> EVENT_WAIT_CANCELLED p99 (us)", "low")
    fl = "%s calls from %d threads" % (_count(c["cancel_calls"]), c["cancel_threads"])
    ctx.row("f5.wall", 5, "%s: wall time (ms)" % fl, "low")
    ctx.row("f5.cbs", 5, "%s: callbacks delivered" % fl, None)
    ctx.row("f5.maxcall", 5, "%s: slowest single call (us)" % fl, "low")
    for rep in range(c["cancel_lat_reps"]):
        for impl in ctx.rotation(rep, LWS_IMPLS):
            res, err = cancel_run(ctx, impl, ["--latency", str(c["cancel_wakes"])])
            if res and "p50_us" in res:
                ctx.put("f5.p50", impl, res["p50_us"])
                ctx.put("f5.p99", impl, res["p99_us"])
            else:
                ctx.put("f5.p50", impl, err)
                ctx.put("f5.p99", impl, err)
    for rep in range(c["cancel_floods"]):
        for impl in ctx.rotation(rep, LWS_IMPLS):
            flood_run(ctx, impl)
    for k in ("f5.p50", "f5.p99", "f5.wall", "f5.cbs", "f5.maxcall"):
        ctx.put(k, "epoll", NA)


def flood_run(ctx, impl):
    c = ctx.cfg
    res, err = cancel_run(ctx, impl, ["--flood", str(c["cancel_calls"]),
                                      "--threads", str(c["cancel_threads"])])
    lost = res is not None and res.get("last_delivered") == 0
    if res and "wall_ms" in res and not lost and not err:
        ctx.put("f5.wall", impl, res["wall_ms"])
        ctx.put("f5.cbs", impl, res["callbacks"])
        ctx.put("f5.maxcall", impl, res["max_call_us"])
        return
    for k in ("f5.wall", "f5.cbs", "f5.maxcall"):
        ctx.put(k, impl, FAILED if lost else err or FAILED)
    if lost:
        ctx.note("%s, cancel flood: the wake for the last lws_cancel_service() never "
                 "came (no EVENT_WAIT_CANCELLED within 1 s after it; the loop then slept "
                 "through the final cancel too, until its lifetime timer)" % NAMES[impl])


def cancel_run(ctx, impl, args):
    cap = ctx.cfg["cancel_cap"]
    argv = [ctx.path(impl, "cancel"), "--lifetime", str(cap)] + args
    p = ctx.procs.start(argv)
    try:
        out, _ = p.communicate(timeout=cap + 5)
    except subprocess.TimeoutExpired:
        out = ""
    ctx.procs.stop(p)
    res = None
    for line in (out or "").splitlines():
        if line.startswith("RESULT "):
            res = _parse(line)
    ctx.log_raw(5, impl, " ".join(args), dict(res or {}, exit=p.returncode))
    if res is None:
        ctx.note("%s, cancel %s: no result within %d s" % (NAMES[impl], " ".join(args), cap))
        return None, dnf(cap)
    if p.returncode != 0:
        if "failed" in res:
            ctx.note("%s, cancel %s: a wake did not come within 2 s" %
                     (NAMES[impl], " ".join(args)))
        return res, FAILED
    return res, None


def _count(n):
    e = len(str(n)) - 1
    return "10^%d" % e if n == 10 ** e else str(n)


# ---------------------------------------------------------------- figure 6

def fig6_timers(ctx):
    """timers: N random suls within the spread"""
    c = ctx.cfg
    spread = c["timer_spread_us"] / 1e6
    cap = c["timer_cap"]
    ctx.ran.append("6: %s suls at random delays in [0, %g s), %d run(s) each, each run "
                   "capped at %d s; after an implementation does not finish a size, its "
                   "further runs and larger sizes are not run" % (
                       ", ".join(_count(n) for n in c["timer_counts"]), spread,
                       c["timer_reps"], cap))
    given_up = set()
    for k, n in enumerate(c["timer_counts"]):
        tag = _count(n)
        ctx.row("f6.sched@%d" % n, 6, "%s suls: schedule time (ms)" % tag, "low")
        ctx.row("f6.p99@%d" % n, 6, "%s suls: lateness p99 (ms)" % tag, "low")
        ctx.row("f6.max@%d" % n, 6, "%s suls: lateness max (ms)" % tag, "low")
        ctx.row("f6.total@%d" % n, 6, "%s suls: first schedule to last firing (ms)" % tag, "low")
        ctx.row("f6.order@%d" % n, 6, "%s suls: order errors" % tag, "low")
        keys = ["f6.sched@%d" % n, "f6.p99@%d" % n, "f6.max@%d" % n,
                "f6.total@%d" % n, "f6.order@%d" % n]
        for rep in range(c["timer_reps"]):
            for impl in ctx.rotation(k + rep, LWS_IMPLS):
                if impl in given_up:
                    for key in keys:
                        ctx.put(key, impl, dnf(cap))
                    ctx.log_raw(6, impl, "count=%d" % n, {"skipped": "did not finish before"})
                    continue
                res = timer_run(ctx, impl, n)
                if res is None:
                    given_up.add(impl)
                    for key in keys:
                        ctx.put(key, impl, dnf(cap))
                    continue
                vals = [res["schedule_ms"], res["late_p99_us"] / 1e3,
                        res["late_max_us"] / 1e3, res["total_ms"], res["order_errors"]]
                for key, v in zip(keys, vals):
                    ctx.put(key, impl, v)
        for key in keys:
            ctx.put(key, "epoll", NA)


def timer_run(ctx, impl, n):
    cap = ctx.cfg["timer_cap"]
    argv = [ctx.path(impl, "timers"), "--count", str(n), "--spread-us",
            str(ctx.cfg["timer_spread_us"]), "--lifetime", str(cap)]
    p = ctx.procs.start(argv)
    try:
        out, _ = p.communicate(timeout=cap + 0.5)
    except subprocess.TimeoutExpired:
        out = None
    ctx.procs.stop(p)
    res = None
    for line in (out or "").splitlines():
        if line.startswith("RESULT "):
            res = _parse(line)
    if p.returncode != 0 or res is None or res["fired"] != n:
        ctx.log_raw(6, impl, "count=%d" % n, dict(res or {}, exit=p.returncode,
                                                  dnf_s=cap))
        return None
    ctx.log_raw(6, impl, "count=%d" % n, res)
    return res


# ---------------------------------------------------------------- figure 7

def fig7_idle(ctx):
    """idle: wake-ups and CPU doing nothing, and with a 500 us timer"""
    c = ctx.cfg
    win = c["idle_s"]
    method = ctx.sys.method
    ctx.ran.append("7: idle servers (all four at once) watched for %g s; a 500 us "
                   "periodic timer watched for %g s each; wake-ups counted with %s" %
                   (win, c["tick_s"], method or "nothing (n/a)"))
    ctx.row("f7.wakes", 7, "idle: loop wake-ups in %g s" % win, "low")
    ctx.row("f7.cpu", 7, "idle: CPU in %g s (ms)" % win, "low")
    ctx.row("f7.vcsw", 7, "idle: voluntary context switches in %g s" % win, "low")
    ctx.row("f7.tickwakes", 7, "500 us timer: wake-ups per firing", "low")
    ctx.row("f7.tickrate", 7, "500 us timer: firings per second (ideal 2000)", "high")
    ctx.row("f7.tickcpu", 7, "500 us timer: CPU (ms per s)", "low")
    idle_window(ctx, win)
    for impl in ctx.rotation(0):
        tick_window(ctx, impl, c["tick_s"])


def idle_window(ctx, win):
    names = measure.WAIT_SYSCALLS
    started = {}
    for impl in IMPLS:
        p, port = ctx.start_server(impl, prog="idle", lifetime=int(win) + 30)
        started[impl] = (p, port)
    time.sleep(0.5)  # past start-up work
    before = {i: (measure.cpu_ns(p.pid), measure.vol_switches(p.pid))
              for i, (p, _) in started.items()}
    # one counter per process, all over the same window
    counts = {}
    if ctx.sys.method:
        import threading

        def watch(impl, pid):
            _, counts[impl] = ctx.sys.count(pid, names, lambda: time.sleep(win),
                                            ctx.procs.tmpdir)
        ts = [threading.Thread(target=watch, args=(i, p.pid))
              for i, (p, port) in started.items() if port is not None]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
    else:
        time.sleep(win)
    for impl, (p, port) in started.items():
        cpu1, vcs1 = measure.cpu_ns(p.pid), measure.vol_switches(p.pid)
        alive = p.poll() is None
        ctx.procs.stop(p)
        cpu0, vcs0 = before[impl]
        if port is None or not alive or None in (cpu0, cpu1, vcs0, vcs1):
            for k in ("f7.wakes", "f7.cpu", "f7.vcsw"):
                ctx.put(k, impl, FAILED)
            ctx.note("%s, idle: server did not start or died" % NAMES[impl])
            continue
        cn = counts.get(impl)
        waits = sum(cn[n] for n in names) if cn else NA
        ctx.put("f7.wakes", impl, waits)
        ctx.put("f7.cpu", impl, (cpu1 - cpu0) / 1e6)
        ctx.put("f7.vcsw", impl, vcs1 - vcs0)
        ctx.log_raw(7, impl, "idle %gs" % win, dict(cn or {}, cpu_ns=cpu1 - cpu0,
                                                    vol_cs=vcs1 - vcs0))


def tick_window(ctx, impl, win):
    names = measure.WAIT_SYSCALLS + ["getppid"]
    lifetime = int(win + 0.6 + 0.999)  # whole seconds, >= settle + attach + window
    p, port = ctx.start_server(impl, prog="idle", args=["--tick-us", "500"],
                               lifetime=lifetime)
    if port is None:
        ctx.procs.stop(p)
        for k in ("f7.tickwakes", "f7.tickrate", "f7.tickcpu"):
            ctx.put(k, impl, FAILED)
        return
    time.sleep(0.2)
    cpu0 = measure.cpu_ns(p.pid)
    t0 = time.monotonic()
    _, cn = ctx.sys.count(p.pid, names, lambda: time.sleep(win), ctx.procs.tmpdir)
    secs = time.monotonic() - t0
    cpu1 = measure.cpu_ns(p.pid)
    # the program stops by itself at its lifetime and reports its firings
    firings = None
    line = _readline(p, lifetime + 5)
    if line and line.startswith("DONE "):
        firings = _parse(line).get("firings")
    ctx.procs.stop(p)
    if not cn:
        ctx.put("f7.tickwakes", impl, NA)
    elif not cn["getppid"]:
        ctx.put("f7.tickwakes", impl, FAILED)
        ctx.note("%s, 500 us timer: no firing seen" % NAMES[impl])
    else:
        waits = sum(cn[n] for n in measure.WAIT_SYSCALLS)
        ctx.put("f7.tickwakes", impl, waits / cn["getppid"])
    # over the program's whole life, from its own count
    ctx.put("f7.tickrate", impl, firings / lifetime if firings else FAILED)
    ctx.put("f7.tickcpu", impl, (cpu1 - cpu0) / 1e6 / secs if None not in (cpu0, cpu1) else FAILED)
    ctx.log_raw(7, impl, "tick500us %gs" % win, dict(cn or {}, cpu_ns=(cpu1 or 0) - (cpu0 or 0),
                                                     firings=firings, lifetime_s=lifetime))


ALL = [(1, fig1_echo), (2, fig2_big), (3, fig3_idle_plus_active), (4, fig4_memory),
       (5, fig5_cancel), (6, fig6_timers), (7, fig7_idle)]
