"""Figure 8: the raw echo server on foreign loops.

bench/foreign_echo.c (the echo protocol of echo_server.c, shared through
echo_proto.h) creates a libuv, libevent, libev, glib or sd-event loop (uloop
too when rwsloop has that backend), hands it to lws in info.foreign_loops[0]
and runs it itself. One binary per loop library: foreign_echo_<loop>.

Where each implementation's backend comes from:

* rwsloop: librwsloop-evlib_<loop>.so beside librwsloop.so (--libdir).
* lws 4.3.5: Debian's libwebsockets-evlib_<loop>.so, unpacked in .oracle/
  (--oracle-lib). Debian's lws loads its plugins from one fixed directory,
  where bookworm's 4.1.6 plugins are installed, so each 4.3.5 run is made in
  a private mount namespace (`unshare -m`, root) with the 4.3.5 plugin
  bind-mounted over the installed one; the process keeps its PID through
  unshare and sh (both exec). Debian builds uv, ev and glib only: the others
  are n/a.
* lws 4.1.6: its installed plugins, where there are some.

The runs are interleaved like figure 1's: every repetition runs the three
lws implementations on their default loop, the epoll reference, and every
available (implementation, loop) pair, the pairs of one loop next to each
other, and the starting point moves by a third of the list from one
repetition to the next.
"""

import os
import shlex
import shutil
import subprocess

import figures
from figures import FAILED, NA, NAMES

# (loop as in foreign_echo_<loop> and the plugin names, display name);
# uloop gets a row only when rwsloop has that backend.
LOOPS = [("uv", "libuv"), ("event", "libevent"), ("ev", "libev"), ("glib", "glib"),
         ("sdevent", "sd-event"), ("uloop", "uloop")]
OPTIONAL = {"uloop"}
# where Debian's lws looks for its evlib plugins
SYSTEM_LIBDIR = "/usr/lib/x86_64-linux-gnu"


def lws_plugin(d, loop):
    return os.path.join(d, "libwebsockets-evlib_%s.so" % loop)


def rwsloop_plugin(d, loop):
    return os.path.join(d, "librwsloop-evlib_%s.so" % loop)


class Plan:
    """Which (implementation, loop) pairs run, how each server is started,
    and why the others do not run."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.loops = [(l, name) for l, name in LOOPS
                      if l not in OPTIONAL or os.path.exists(rwsloop_plugin(ctx.libdir, l))]
        self.skipped_loops = [name for l, name in LOOPS if (l, name) not in self.loops]
        self.why_not = {}         # (impl, loop) -> reason, cell n/a
        self.wrap = {}            # (impl, loop) -> argv prefix
        ns_ok, ns_why = self._namespace_works()
        for loop, _ in self.loops:
            # lws 4.3.5: its plugin over the installed path, in a namespace
            src, dst = lws_plugin(ctx.oracle_lib, loop), lws_plugin(SYSTEM_LIBDIR, loop)
            if not os.path.exists(src):
                self.why_not[("lws43", loop)] = "Debian's lws 4.3.5 has no %s plugin" % loop
            elif not os.path.exists(dst):
                self.why_not[("lws43", loop)] = (
                    "%s is not there to bind-mount the 4.3.5 plugin over (install "
                    "bookworm's libwebsockets-evlib-%s)" % (dst, loop))
            elif not ns_ok:
                self.why_not[("lws43", loop)] = ns_why
            else:
                script = "mount --bind %s %s && exec \"$0\" \"$@\"" % (
                    shlex.quote(src), shlex.quote(dst))
                self.wrap[("lws43", loop)] = ["unshare", "-m", "--propagation", "private",
                                              "sh", "-c", script]
            # lws 4.1.6: what is installed (its own version, no namespace)
            if not os.path.exists(lws_plugin(SYSTEM_LIBDIR, loop)):
                self.why_not[("lws41", loop)] = "lws 4.1.6 has no %s plugin installed" % loop

    @staticmethod
    def _namespace_works():
        if os.geteuid() != 0:
            return False, "the lws 4.3.5 runs need root (unshare -m, mount --bind)"
        if not shutil.which("unshare"):
            return False, "the lws 4.3.5 runs need unshare (util-linux)"
        try:
            r = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                               capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired) as e:
            return False, "unshare -m does not work here: %s" % e
        if r.returncode != 0:
            return False, "unshare -m does not work here: %s" % (
                r.stderr.strip().splitlines() or ["exit %d" % r.returncode])[0]
        return True, None

    def pairs(self):
        """Every run of one repetition: (impl, loop or None)."""
        out = [(i, None) for i in figures.IMPLS]
        for loop, _ in self.loops:
            out += [(i, loop) for i in figures.LWS_IMPLS if (i, loop) not in self.why_not]
        return out


def cpu_key(loop):
    return "f8.cpu@%s" % (loop or "default")


def over_key(loop):
    return "f8.over@%s" % loop


def fig8_foreign(ctx):
    """raw echo on foreign loops (libuv, libevent, libev, glib, sd-event, uloop)"""
    c = ctx.cfg
    n, reps = c["foreign_n"], c["foreign_reps"]
    plan = Plan(ctx)
    ctx.ran.append(
        "8: 64 B echo at N = %d connections on foreign loops (%s), %d run(s) each, "
        "interleaved with the default loops and the epoll reference; rwsloop's backends "
        "from %s, lws 4.3.5's from .oracle/ (bind-mounted over %s in a private mount "
        "namespace), lws 4.1.6's as installed%s" % (
            n, ", ".join(name for _, name in plan.loops), reps, ctx.libdir, SYSTEM_LIBDIR,
            "; not run: %s (no rwsloop backend built)" % ", ".join(plan.skipped_loops)
            if plan.skipped_loops else ""))

    ctx.row(cpu_key(None), 8, "N=%d, default loop: server CPU per message (us)" % n, "low")
    for loop, name in plan.loops:
        ctx.row(cpu_key(loop), 8, "N=%d on %s: server CPU per message (us)" % (n, name), "low")
        ctx.row(over_key(loop), 8, "N=%d on %s: CPU per message over the same "
                "implementation's default loop (x)" % (n, name), "low",
                derive=_over(ctx, loop))

    pairs = plan.pairs()
    for rep in range(reps):
        k = rep * len(pairs) // reps
        for impl, loop in pairs[k:] + pairs[:k]:
            prog = "echo_server" if loop is None else "foreign_echo_" + loop
            if loop and not os.path.exists(ctx.path(impl, prog)):
                ctx.put(cpu_key(loop), impl, FAILED)
                ctx.note("%s on %s: %s was not built" % (NAMES[impl], loop, prog))
                continue
            figures.echo_run(ctx, 8, impl, n, 64, 0, [(cpu_key(loop), "cpu_us_per_msg")],
                             prog=prog, wrap=plan.wrap.get((impl, loop), ()),
                             where=" on %s" % loop if loop else ", default loop")

    for (impl, loop), why in plan.why_not.items():
        ctx.put(cpu_key(loop), impl, NA)
        ctx.note("%s on %s: n/a, %s" % (NAMES[impl], loop, why))
    for loop, _ in plan.loops:
        ctx.put(cpu_key(loop), "epoll", NA)


def _over(ctx, loop):
    """The cell function of an f8.over row: an implementation's CPU per
    message on loop over its own on the default loop (ratio of the two
    medians)."""
    def cell(impl):
        a, b = ctx.by_key[cpu_key(loop)].cell(impl), ctx.by_key[cpu_key(None)].cell(impl)
        if impl == "epoll":
            return NA
        if isinstance(a, str):
            return a
        if isinstance(b, str):
            return b
        return a / b if b > 0 else NA
    return cell


ALL = [(8, fig8_foreign)]
