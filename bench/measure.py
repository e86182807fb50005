"""Reading a process from outside: its output lines, CPU time, RSS, context
switches, and syscall counts (perf tracepoints, else strace -c, else
nothing)."""

import os
import re
import select
import signal
import subprocess
import time

TRACEFS = "/sys/kernel/tracing/events"

WAIT_SYSCALLS = ["epoll_wait", "epoll_pwait", "epoll_pwait2", "poll", "ppoll",
                 "select", "pselect6"]
IO_SYSCALLS = ["read", "recvfrom", "write", "sendto", "epoll_ctl"]


def readline(p, timeout):
    """One line of p's stdout within timeout seconds, or None."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        r, _, _ = select.select([p.stdout], [], [], max(0.0, end - time.monotonic()))
        if r:
            line = p.stdout.readline()
            return line.strip() if line else None
    return None


def parse_kv(line):
    """'RESULT a=1 b=x' -> {'a': 1.0, 'b': 'x'} (numbers as floats)."""
    out = {}
    for tok in line.split()[1:]:
        if "=" in tok:
            k, v = tok.split("=", 1)
            try:
                out[k] = float(v)
            except ValueError:
                out[k] = v
    return out


def cpu_ns(pid):
    """On-CPU time of every thread of pid, ns (schedstat), or None."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/schedstat" % (pid, tid)) as f:
                total += int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None
    return total


def status_field(pid, name):
    """A numeric field of /proc/pid/status (first number), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return None


def rss_kb(pid):
    return status_field(pid, "VmRSS")


def vol_switches(pid):
    """Voluntary context switches summed over threads."""
    total = 0
    try:
        for tid in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/status" % (pid, tid)) as f:
                for line in f:
                    if line.startswith("voluntary_ctxt_switches:"):
                        total += int(line.split()[1])
    except (OSError, ValueError):
        return None
    return total


class SysCounter:
    """Counts syscalls of a running process over a window.

    method is "perf", "strace" or None (then counts are None: report n/a).
    """

    def __init__(self):
        self.method = self._detect()

    @staticmethod
    def _events(names):
        have = [n for n in names
                if os.path.isdir(os.path.join(TRACEFS, "syscalls", "sys_enter_" + n))]
        return have

    def _detect(self):
        if shutil_which("perf"):
            try:
                r = subprocess.run(
                    ["perf", "stat", "-x,", "-e", "raw_syscalls:sys_enter", "--", "true"],
                    capture_output=True, text=True, timeout=20)
                if r.returncode == 0 and re.search(r"^\d+,", r.stderr, re.M):
                    return "perf"
            except (OSError, subprocess.TimeoutExpired):
                pass
        if shutil_which("strace"):
            return "strace"
        return None

    def count(self, pid, names, run, tmpdir):
        """Run run() (a callable doing the workload or just waiting) while
        counting pid's syscalls. Returns (run's result, {name: count, "total":
        n}) or (result, None) when counting is not possible."""
        if self.method == "perf":
            return self._perf(pid, names, run, tmpdir)
        if self.method == "strace":
            return self._strace(pid, names, run, tmpdir)
        return run(), None

    def _perf(self, pid, names, run, tmpdir):
        events = ["syscalls:sys_enter_" + n for n in self._events(names)]
        events.append("raw_syscalls:sys_enter")
        out = os.path.join(tmpdir, "perf.%d" % pid)
        # perf stat -p stops when the target exits or on SIGINT.
        p = subprocess.Popen(["perf", "stat", "-x,", "-o", out, "-e", ",".join(events),
                              "-p", str(pid)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.15)  # let perf attach before the window opens
        try:
            result = run()
        finally:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGINT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        counts = {}
        try:
            with open(out) as f:
                for line in f:
                    parts = line.strip().split(",")
                    if len(parts) < 3 or not parts[2]:
                        continue
                    ev = parts[2]
                    val = parts[0]
                    if val.startswith("<not counted>"):
                        n = 0  # the task never ran in the window
                    elif val.startswith("<"):
                        continue
                    else:
                        n = int(float(val))
                    if ev == "raw_syscalls:sys_enter":
                        counts["total"] = n
                    elif ev.startswith("syscalls:sys_enter_"):
                        counts[ev[len("syscalls:sys_enter_"):]] = n
        except (OSError, ValueError):
            return result, None
        if "total" not in counts:
            return result, None
        for n in names:
            counts.setdefault(n, 0)
        return result, counts

    def _strace(self, pid, names, run, tmpdir):
        out = os.path.join(tmpdir, "strace.%d" % pid)
        p = subprocess.Popen(["strace", "-c", "-f", "-o", out, "-p", str(pid)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        try:
            result = run()
        finally:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGINT)
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(p.pid, signal.SIGKILL)
                p.wait()
        counts = {}
        try:
            with open(out) as f:
                for line in f:
                    cols = line.split()
                    # % time, seconds, usecs/call, calls, [errors], syscall
                    if len(cols) >= 5 and cols[3].isdigit():
                        counts[cols[-1]] = int(cols[3])
        except OSError:
            return result, None
        if "total" not in counts:
            return result, None
        for n in names:
            counts.setdefault(n, 0)
        return result, counts


def shutil_which(name):
    for d in os.environ.get("PATH", "").split(os.pathsep):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None
