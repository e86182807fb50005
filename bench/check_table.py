#!/usr/bin/env python3
"""Check that a bench results file is well formed: machine header, every
figure's rows present, every cell a number, "failed", "n/a" or "did not
finish in N s", and the targets table complete. Never looks at the values.

    check_table.py bench/results/latest.md
"""

import re
import sys

COLUMNS = ["id", "fig", "metric", "rwsloop", "lws 4.3.5", "lws 4.1.6", "epoll ref",
           "rwsloop/lws", "rwsloop/epoll"]

# every figure's rows; "@" marks a row repeated per size (at least one, or
# the given minimum)
REQUIRED = {
    "f1.rate@": 1, "f1.p50@": 1, "f1.p99@": 1, "f1.cpu@": 1, "f1.rewave": 1,
    "f2.mbps": 1, "f2.sys": 1,
    "f3.p50@": 1, "f3.p99@": 1, "f3.cpu@": 1,
    "f4.perconn@": 2, "f4.empty": 1,
    "f5.p50": 1, "f5.p99": 1, "f5.wall": 1, "f5.cbs": 1, "f5.maxcall": 1,
    "f6.sched@": 1, "f6.p99@": 1, "f6.max@": 1, "f6.total@": 1, "f6.order@": 1,
    "f7.wakes": 1, "f7.cpu": 1, "f7.vcsw": 1, "f7.tickwakes": 1, "f7.tickrate": 1,
    "f7.tickcpu": 1,
    # default loop + libuv, libevent, libev, glib, sd-event (uloop optional)
    "f8.cpu@": 6, "f8.over@": 5,
}
TARGETS = 9
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
DNF = re.compile(r"^did not finish in \d+(\.\d+)? s$")


def cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def section(lines, title):
    """The table lines right under '## title'."""
    try:
        i = lines.index("## " + title)
    except ValueError:
        return None
    out = []
    for line in lines[i + 1:]:
        if line.startswith("## "):
            break
        if line.startswith("|"):
            out.append(line)
    return out


def check(text):
    errs = []
    lines = text.splitlines()
    for field in ("- date: ", "- machine: nproc "):
        if not any(l.startswith(field) for l in lines):
            errs.append("missing header line '%s...'" % field)

    table = section(lines, "Figures")
    if not table or len(table) < 3:
        return errs + ["no figures table"]
    if cells(table[0]) != COLUMNS:
        errs.append("figures table columns are %s" % cells(table[0]))
    seen = {}
    for line in table[2:]:
        c = cells(line)
        if len(c) != len(COLUMNS):
            errs.append("row has %d cells: %s" % (len(c), line))
            continue
        key = c[0]
        prefix = key.split("@")[0] + "@" if "@" in key else key
        seen[prefix] = seen.get(prefix, 0) + 1
        for name, v in zip(COLUMNS[3:7], c[3:7]):
            if not (NUMBER.match(v) or v in ("failed", "n/a") or DNF.match(v)):
                errs.append("%s, %s: bad cell '%s'" % (key, name, v))
        for name, v in zip(COLUMNS[7:], c[7:]):
            if not (NUMBER.match(v) or v == "n/a"):
                errs.append("%s, %s: bad ratio '%s'" % (key, name, v))
    for prefix, need in REQUIRED.items():
        if seen.get(prefix, 0) < need:
            errs.append("missing row %s (need %d, have %d)" % (prefix, need, seen.get(prefix, 0)))

    targets = section(lines, "Targets")
    if not targets or len(targets) != TARGETS + 2:
        errs.append("targets table should have %d rows" % TARGETS)
    else:
        for line in targets[2:]:
            c = cells(line)
            if len(c) != 3 or c[2] not in ("pass", "not yet", "not run"):
                errs.append("bad target row: %s" % line)
    if "## Raw numbers" not in lines:
        errs.append("no raw numbers section")
    return errs


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip())
        return 2
    with open(sys.argv[1]) as f:
        errs = check(f.read())
    if errs:
        for e in errs:
            print("bench-check: " + e)
        return 1
    print("bench-check: %s is well formed" % sys.argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main())
