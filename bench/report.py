"""The bench table: figures per implementation, ratios, targets, notes and
the raw numbers, as markdown (the console gets the same minus raw numbers)."""

from figures import IMPLS, NAMES
import foreign


def fmt(v):
    if isinstance(v, str):
        return v
    if v == int(v) and abs(v) < 1e15:
        return "%d" % v
    a = abs(v)
    if a >= 100:
        return "%.0f" % v
    if a >= 10:
        return "%.1f" % v
    if a >= 1:
        return "%.2f" % v
    return "%.3f" % v


def ratio(a, b):
    # every figure is a non-negative quantity: a reference at or below zero
    # (an RSS difference inside the noise) has no meaningful ratio
    if isinstance(a, str) or isinstance(b, str) or b <= 0:
        return "n/a"
    return "%.2f" % (a / b)


def main_table(ctx):
    head = ["id", "fig", "metric"] + [NAMES[i] for i in IMPLS] + ["rwsloop/lws", "rwsloop/epoll"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join(["---"] * 3 + ["---:"] * (len(head) - 3)) + "|"]
    for r in ctx.rows:
        cells = {i: r.cell(i) for i in IMPLS}
        row = [r.key, str(r.fig), r.label] + [fmt(cells[i]) for i in IMPLS]
        if r.derive:
            row += ["n/a", "n/a"]
        else:
            row += [ratio(cells["rwsloop"], cells["lws43"]),
                    ratio(cells["rwsloop"], cells["epoll"])]
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _cell(ctx, key, impl="rwsloop"):
    r = ctx.by_key.get(key)
    return r.cell(impl) if r else None


def _num(v):
    return v is not None and not isinstance(v, str)


def targets(ctx):
    """[(target, measured, status)]; status is pass, not yet or not run."""
    out = []

    # 1. server CPU per message vs the epoll reference, every N
    ns = ctx.cfg["echo_ns"]
    parts, ok, seen = [], True, False
    for n in ns:
        a, b = _cell(ctx, "f1.cpu@%d" % n), _cell(ctx, "f1.cpu@%d" % n, "epoll")
        if a is None:
            continue
        seen = True
        if _num(a) and _num(b) and b:
            parts.append("N=%d: %.2fx" % (n, a / b))
            ok = ok and a / b <= 1.05
        else:
            parts.append("N=%d: %s" % (n, a if isinstance(a, str) else b))
            ok = False
    out.append(("server CPU per message <= 1.05x epoll at every N",
                "; ".join(parts) or "-", _status(seen, ok)))

    # 2. 64 KiB echo throughput vs the reference
    a, b = _cell(ctx, "f2.mbps"), _cell(ctx, "f2.mbps", "epoll")
    if _num(a) and _num(b) and b:
        meas, ok = "%.2fx (%s vs %s MB/s)" % (a / b, fmt(a), fmt(b)), a / b >= 0.8
    else:
        meas, ok = "%s vs %s" % (fmt(a or "-"), fmt(b or "-")), False
    out.append(("64 KiB echo >= 0.8x the epoll reference's MB/s", meas,
                _status(a is not None, ok)))

    # 3. bytes per idle connection
    keys = [r.key for r in ctx.rows if r.key.startswith("f4.perconn@")]
    vals = [(k.split("@")[1], _cell(ctx, k)) for k in keys]
    ok = bool(vals) and all(_num(v) and v <= 300 for _, v in vals)
    out.append(("<= 300 B per idle connection",
                "; ".join("N=%s: %s B" % (n, fmt(v)) for n, v in vals) or "-",
                _status(bool(vals), ok)))

    # 4. empty context
    a = _cell(ctx, "f4.empty")
    out.append(("empty context <= +0.5 MB over a bare process",
                "%s MB" % fmt(a) if a is not None else "-",
                _status(a is not None, _num(a) and a <= 0.5)))

    # 5. 10^6 timers
    total, order = _cell(ctx, "f6.total@1000000"), _cell(ctx, "f6.order@1000000")
    sched = _cell(ctx, "f6.sched@1000000")
    seen = total is not None
    ok = _num(total) and _num(order) and order == 0 and total <= 1100
    meas = ("last firing %s ms after the first schedule call (scheduling took %s ms), "
            "%s order errors" % (fmt(total), fmt(sched), fmt(order))) if seen else "-"
    out.append(("10^6 timers in < 1 s (all fired in order, the last within 1.1 s of "
                "the start; due times span 1 s)", meas, _status(seen, ok)))

    # 6. wakes per 500 us timer firing
    a = _cell(ctx, "f7.tickwakes")
    out.append(("<= 3 wakes per firing of a 500 us timer", fmt(a) if a is not None else "-",
                _status(a is not None, _num(a) and a <= 3)))

    # 7. cancel p99 against lws 4.3.5
    a, b = _cell(ctx, "f5.p99"), _cell(ctx, "f5.p99", "lws43")
    out.append(("cancel wake p99 no worse than lws 4.3.5",
                "%s us vs %s us" % (fmt(a), fmt(b)) if a is not None else "-",
                _status(a is not None, _num(a) and _num(b) and a <= b)))

    # 8. idle wake-ups
    a = _cell(ctx, "f7.wakes")
    out.append(("0 idle wake-ups", fmt(a) if a is not None else "-",
                _status(a is not None, _num(a) and a == 0)))

    # 9. foreign loops against the default loop and against lws 4.3.5
    out.append(foreign_target(ctx))
    return out


def foreign_target(ctx):
    """Every rwsloop backend: CPU per message <= 1.15x rwsloop's default
    loop, and <= lws 4.3.5's on the same backend where lws has one."""
    what = ("foreign loops at N=1000: server CPU per message <= 1.15x rwsloop's "
            "default loop, and <= lws 4.3.5 on the same backend")
    base = _cell(ctx, foreign.cpu_key(None))
    if base is None:
        return what, "-", "not run"
    parts, ok = [], True
    for loop, name in foreign.LOOPS:
        a = _cell(ctx, foreign.cpu_key(loop))
        if a is None:
            continue
        lws = _cell(ctx, foreign.cpu_key(loop), "lws43")
        if not (_num(a) and _num(base) and base):
            parts.append("%s: %s" % (name, a if isinstance(a, str) else base))
            ok = False
            continue
        text = "%s %.2fx" % (name, a / base)
        ok = ok and a / base <= 1.15
        if _num(lws) and lws:
            text += " (%.2fx lws)" % (a / lws)
            ok = ok and a <= lws
        else:
            text += " (lws %s)" % lws
        parts.append(text)
    n = ctx.cfg.get("foreign_n")
    if n != 1000:
        # smoke mode: the figure ran, at another size than the target's
        return what, "N=%s only: %s" % (n, "; ".join(parts)), "not run"
    return what, "; ".join(parts) or "-", _status(True, ok)


def _status(seen, ok):
    if not seen:
        return "not run"
    return "pass" if ok else "not yet"


def target_table(ctx):
    lines = ["| target | rwsloop measured | status |", "|---|---|---|"]
    for t, m, s in targets(ctx):
        lines.append("| %s | %s | %s |" % (t, m, s))
    return lines


def render(ctx, mach, mode, elapsed):
    out = ["# rwsloop bench results", "",
           "- date: %s" % mach["date"],
           "- machine: nproc %s, CPU %s, kernel %s" % (mach["nproc"], mach["cpu"], mach["kernel"]),
           "- mode: %s (%s); whole run %.0f s" % (
               mode, {"full": "make bench", "quick": "make bench BENCH_QUICK=1",
                      "smoke": "make bench-check"}[mode], elapsed),
           "- implementations: rwsloop (this tree), lws 4.3.5 (Debian trixie, .oracle/), "
           "lws 4.1.6 (Debian bookworm, system), epoll ref (bench/epoll_echo.c); "
           "rwsloop/lws is against lws 4.3.5 (in figure 8: on the same backend)",
           "- syscall counts by: %s" % (ctx.sys.method or "nothing available (n/a)"),
           "", "## What was run", ""]
    out += ["- " + r for r in ctx.ran]
    out += ["", "Each cell is the median of its runs; a run with any error makes the "
            "cell \"failed\". See bench/README.md for how each figure is measured.",
            "", "## Figures", ""]
    out += main_table(ctx)
    out += ["", "## Targets", ""] + target_table(ctx)
    out += ["", "## Notes", ""]
    out += ["- " + n for n in ctx.notes] or ["- none"]
    out += ["", "## Raw numbers", "", "```"] + ctx.raw + ["```", ""]
    return "\n".join(out)


def render_console(ctx, mode, elapsed):
    out = ["", "rwsloop bench, mode %s, %.0f s" % (mode, elapsed), ""]
    out += main_table(ctx)
    out += [""] + target_table(ctx)
    if ctx.notes:
        out += ["", "notes:"] + ["- " + n for n in ctx.notes]
    return "\n".join(out)
