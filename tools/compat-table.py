#!/usr/bin/env python3
"""Generate docs/COMPAT.md: where rwsloop stands on each lws 4.3 identifier.

The identifiers come from docs/lws-symbols.txt (`tier kind name`). Each one's
state is read off the tree, never typed in by hand:

  works   a function or link-only name: exported by the built librwsloop.so;
          anything else (macro, constant, type, field, inline function): a
          C program using it the way lws programs do compiles against
          include/ (checked by compiling one probe per identifier)
  stub    exported, but the export is marked unimplemented in src/: a line
          `// rwsloop: unimplemented[: why]` above its `fn` (the function
          logs and returns lws's failure value)
  absent  neither

Tests: the capi-tests CAPI_TEST(name) tests whose body uses the identifier,
directly or through the file's own helpers, callbacks and tables (for a
field: both the struct's name and the member's). The foreign-loop suite's
tests are generated: a file that says FOREIGN_SUITE_TESTS(backend) has
foreign_<backend>_<scenario> for each S(b, scenario, flags, call) line of
FOREIGN_SCENARIOS (capi-tests/test-list-foreign-suite.h), whose body is
the call, seen through the suite's headers (foreign-suite*.h) and the
file's own definitions.

docs/compat-notes.txt is the one file to edit by hand. Lines are
`name<TAB>state<TAB>note`; `#` starts a comment line. state is one of

  works | stub | absent   override what the tree says (the note says why)
  differs                 a deliberate difference from lws: listed in the
                          "Deliberate differences" section at the top, and
                          the note is shown beside the identifier; name
                          may also be a topic that is not an identifier
  note                    just a remark shown beside the identifier

Usage: tools/compat-table.py [--output FILE] [--so PATH] [--include DIR]
The default output is stdout. `make compat` writes docs/COMPAT.md and
`make check-compat` fails when the committed file is out of date.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

TIER_TITLES = {
    "T1": "core loop, timers, cancel, raw sockets and files, logging, helpers",
    "T2": "custom and foreign event libraries, external poll",
    "T3": "HTTP/1.1 server basics",
    "T4": "WebSocket server and client",
    "T5": "other: TLS, ring buffer, tokenizer, threads, HTTP client, "
          "system state, fault injection, raw proxy, vfs",
}

# How C spells the aggregate a `field` entry belongs to, where that is not
# simply `struct NAME` (facts of the lws headers: these are unions, some
# only reachable through a typedef, and lws_pollfd is struct pollfd).
AGGREGATE_SPELLING = {
    "lws_sock_file_fd_type": "lws_sock_file_fd_type",
    "lws_sockaddr46": "lws_sockaddr46",
    "lws_tls_cert_info_results": "union lws_tls_cert_info_results",
}

# lws never shows these structs' members to programs: they only have to be
# named by the headers, never complete.
OPAQUE_TAGS = {
    "struct lws", "struct lws_context", "struct lws_vhost",
    "struct lws_spa", "struct lws_ring",
}

STATES = ("works", "stub", "absent")
NOTE_STATES = STATES + ("differs", "note")


def fail(message):
    sys.stderr.write("compat-table: %s\n" % message)
    sys.exit(1)


def read_symbols(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split(" ", 2)
            if len(parts) != 3:
                fail("%s:%d: expected `tier kind name`" % (path, number))
            entries.append(tuple(parts))
    return entries


def read_notes(path, known):
    """name -> (state, note) for per-identifier lines, plus the ordered list
    of deliberate differences."""
    notes, differences = {}, []
    if not os.path.exists(path):
        return notes, differences
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 3 or parts[1] not in NOTE_STATES:
                fail("%s:%d: expected `name<TAB>state<TAB>note` with state one "
                     "of %s" % (path, number, ", ".join(NOTE_STATES)))
            name, state, note = (p.strip() for p in parts)
            if state == "differs":
                differences.append((name, note))
            elif name not in known:
                fail("%s:%d: %r is not in docs/lws-symbols.txt" % (path, number, name))
            if name in known:
                notes.setdefault(name, []).append((state, note))
    return notes, differences


def exported_functions(so):
    out = subprocess.run(["nm", "-D", "--defined-only", so], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) >= 3:
            names.add(fields[2].split("@")[0])
    return names


def stubs_in_source(root):
    """Functions whose export carries the unimplemented marker."""
    marker = re.compile(r"//\s*rwsloop:\s*unimplemented\b[:\s-]*(.*)")
    fn = re.compile(r"\bfn\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(")
    found = {}
    for base, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(".rs"):
                continue
            with open(os.path.join(base, name), encoding="utf-8") as f:
                lines = f.readlines()
            for i, line in enumerate(lines):
                m = marker.search(line)
                if not m:
                    continue
                for following in lines[i + 1:i + 20]:
                    f_match = fn.search(following)
                    if f_match:
                        found[f_match.group(1)] = m.group(1).strip()
                        break
    return found


def probe_source(index, kind, name):
    """C lines that compile only if `name` is usable as lws programs use it."""
    fn = "static void probe_%d(void)" % index
    if kind == "macro":
        return ["#ifndef %s" % name, "%s { (void)sizeof(%s); }" % (fn, name), "#endif"]
    if kind == "inline-function":
        return ["#ifndef %s" % name, "%s { (void)&%s; }" % (fn, name), "#endif"]
    if kind == "enum-constant":
        # Programs switch on these: they must be integer constant expressions.
        return ["%s { enum { probe_value_%d = (int)(%s) }; }" % (fn, index, name)]
    if kind == "type":
        tag = name.split(" ", 1)
        if len(tag) == 2 and tag[0] in ("struct", "union", "enum"):
            if name in OPAQUE_TAGS:
                return None  # decided from the header text instead
            return ["%s { (void)sizeof(%s); }" % (fn, name)]
        return ["%s { %s *probe_p = 0; (void)probe_p; (void)sizeof(%s); }" % (fn, name, name)]
    if kind == "field":
        aggregate, member = name.split(".", 1)
        spelled = AGGREGATE_SPELLING.get(aggregate, "struct " + aggregate)
        return ["static void probe_%d(%s *s) { (void)s->%s; }" % (index, spelled, member)]
    return None


def header_state(entries, include_dir, cc):
    """Compile one probe per identifier; return the set of indexes that failed."""
    with tempfile.TemporaryDirectory() as tmp:
        source = os.path.join(tmp, "probe.c")
        lines = ["#include <stddef.h>", "#include <libwebsockets.h>"]
        header_only = subprocess.run(
            [cc, "-fsyntax-only", "-w", "-I", include_dir, "-x", "c", "-"],
            input="\n".join(lines) + "\n", capture_output=True, text=True)
        if header_only.returncode != 0:
            fail("include/libwebsockets.h does not compile on its own:\n" +
                 header_only.stderr)
        probed = set()
        for index, (_tier, kind, name) in enumerate(entries):
            body = probe_source(index, kind, name)
            if body is None:
                continue
            probed.add(index)
            lines.append('#line 1 "probe-%d"' % index)
            lines.extend(body)
        with open(source, "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        result = subprocess.run(
            [cc, "-fsyntax-only", "-w", "-fmax-errors=0", "-I", include_dir, source],
            capture_output=True, text=True)
        failed = {int(m) for m in re.findall(r"\bprobe-(\d+):\d+", result.stderr)}
        if result.returncode != 0 and not failed:
            fail("the probe file failed without naming a probe:\n" + result.stderr)
    return probed, failed


def header_text(include_dir):
    text = []
    for base, dirs, files in os.walk(include_dir):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".h"):
                with open(os.path.join(base, name), encoding="utf-8") as f:
                    text.append(f.read())
    return "\n".join(text)


IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def strip_c(text):
    """C source without comments, string/char literals and preprocessor
    lines, so that only code is searched for identifiers."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r'"(\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"'(\\.|[^'\\\n])*'", "0", text)
    text = re.sub(r"^[ \t]*#([^\n]*\\\n)*[^\n]*", " ", text, flags=re.M)
    return text


def outside_parens(text):
    """text with every parenthesised group removed."""
    out, depth = [], 0
    for c in text:
        if c == "(":
            depth += 1
        elif c == ")":
            depth = max(depth - 1, 0)
        elif depth == 0:
            out.append(c)
    return "".join(out)


def top_level_definitions(code):
    """(header, whole text) of each top-level definition or declaration."""
    items, depth, begin, i = [], 0, 0, 0
    while i < len(code):
        c = code[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                header = code[begin:code.index("{", begin)]
                # An initialiser (`x[] = { ... };`) runs on to its ';'.
                end = i + 1
                if "=" in outside_parens(header):
                    semi = code.find(";", i)
                    end = len(code) if semi < 0 else semi + 1
                items.append((header, code[begin:end]))
                begin = i = end
                continue
        elif c == ";" and depth == 0:
            items.append((code[begin:i], code[begin:i + 1]))
            begin = i + 1
        i += 1
    return items


def definition_name(header):
    """('test', id) for CAPI_TEST(id, ...), ('def', name) for a function,
    variable or struct definition, None otherwise."""
    m = re.search(r"\bCAPI_TEST\s*\(\s*([A-Za-z_]\w*)", header)
    if m:
        return "test", m.group(1)
    if "=" in outside_parens(header):
        m = re.search(r"([A-Za-z_]\w*)\s*(\[[^\]]*\]\s*)*=", outside_parens(header))
        return ("def", m.group(1)) if m else None
    m = re.search(r"([A-Za-z_]\w*)\s*\(", header)
    if m:
        return "def", m.group(1)
    m = re.search(r"\b(struct|union|enum)\s+([A-Za-z_]\w*)\s*$", header.strip())
    return ("def", m.group(2)) if m else None


def split_top_level(text):
    """text split at the commas outside any parentheses."""
    parts, depth, begin = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[begin:i].strip())
            begin = i + 1
    parts.append(text[begin:].strip())
    return parts


def macro_calls(text, macro):
    """The argument text of each macro(...) in text."""
    calls = []
    for m in re.finditer(r"\b%s\s*\(" % re.escape(macro), text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[i], 0)
            i += 1
        calls.append(text[m.end():i - 1])
    return calls


# The foreign-loop suite: its scenario list, the macro that makes one test
# of each for a backend file, and the headers the scenarios live in.
FOREIGN_LIST = "test-list-foreign-suite.h"
FOREIGN_MACRO = "FOREIGN_SUITE_TESTS"
FOREIGN_HEADERS = ("foreign-suite.h", "foreign-suite-service.h")
# what every generated test's body calls besides its scenario
FOREIGN_WRAPPER = {"fs_skip_known_gap", "fs_finish"}


def foreign_scenarios(tests_dir):
    """(scenario, identifiers of its call) for each line of
    FOREIGN_SCENARIOS, in order; [] without the list."""
    path = os.path.join(tests_dir, FOREIGN_LIST)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r"#\s*define\s+FOREIGN_SCENARIOS\s*\(\s*S\s*,\s*b\s*\)((?:[^\n]*\\\n)*[^\n]*)",
                  text)
    if not m:
        fail("%s: no #define FOREIGN_SCENARIOS(S, b)" % path)
    body = m.group(1).replace("\\\n", " ")
    scenarios = []
    for args in macro_calls(body, "S"):
        parts = split_top_level(args)
        if len(parts) != 4:
            fail("%s: S(%s) is not S(b, name, flags, call)" % (path, args))
        scenarios.append((parts[1], set(IDENT.findall(parts[3]))))
    if not scenarios:
        fail("%s: FOREIGN_SCENARIOS lists no scenario" % path)
    return scenarios


def file_definitions(code, defs, file_tests):
    """Add the top-level definitions of code to defs (name -> identifiers)
    and its CAPI_TESTs to file_tests ((name, identifiers) pairs)."""
    for header, whole in top_level_definitions(code):
        named = definition_name(header)
        if not named:
            continue
        words = set(IDENT.findall(whole))
        if named[0] == "test":
            file_tests.append((named[1], words))
        else:
            defs.setdefault(named[1], set()).update(words)


def test_identifiers(tests_dir):
    """CAPI_TEST name -> identifiers its body uses, directly or through the
    file's own functions, tables and types it refers to (for the generated
    foreign-loop tests, the suite's too)."""
    tests = {}
    if not os.path.isdir(tests_dir):
        return tests
    scenarios = foreign_scenarios(tests_dir)
    suite_code = ""
    for header in FOREIGN_HEADERS:
        path = os.path.join(tests_dir, header)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                suite_code += strip_c(f.read()) + "\n"
    for name in sorted(os.listdir(tests_dir)):
        if not name.endswith(".c"):
            continue
        with open(os.path.join(tests_dir, name), encoding="utf-8") as f:
            code = strip_c(f.read())
        backends = [a.strip() for a in macro_calls(code, FOREIGN_MACRO)]
        # each FOREIGN_SUITE_TESTS(b) stands where its tests would: a
        # statement of its own, not the start of the next definition
        code = re.sub(r"\b%s\s*\([^)]*\)" % FOREIGN_MACRO, ";", code)
        defs, file_tests = {}, []
        if backends:
            file_definitions(suite_code, defs, [])
        file_definitions(code, defs, file_tests)
        for backend in backends:
            if not scenarios:
                fail("%s says %s(%s) but %s has no scenarios"
                     % (name, FOREIGN_MACRO, backend, FOREIGN_LIST))
            for scenario, words in scenarios:
                file_tests.append(("foreign_%s_%s" % (backend, scenario),
                                   words | FOREIGN_WRAPPER))
        for test, words in file_tests:
            seen, todo = set(words), [w for w in words if w in defs]
            visited = set()
            while todo:
                d = todo.pop()
                if d in visited:
                    continue
                visited.add(d)
                seen |= defs[d]
                todo.extend(w for w in defs[d] if w in defs and w not in visited)
            tests[test] = seen
    return tests


def tests_mentioning(kind, name, tests):
    if kind == "field":
        aggregate, member = name.split(".", 1)
        needed = [aggregate, member.split(".")[-1]]
    else:
        needed = [name.split(" ")[-1]]
    return sorted(t for t, words in tests.items() if all(n in words for n in needed))


def test_list(names, shown=6):
    text = ", ".join("`%s`" % x for x in names[:shown])
    if len(names) > shown:
        text += " and %d more" % (len(names) - shown)
    return text


def md_escape(text):
    return text.replace("|", "\\|")


def render(entries, states, tests, notes, differences, extra_exports, stubs):
    out = []
    w = out.append
    w("# rwsloop and the libwebsockets 4.3 API")
    w("")
    w("Generated by `tools/compat-table.py` (`make compat`); do not edit. The")
    w("identifier list is `docs/lws-symbols.txt`; states are read from the built")
    w("library, `include/` and `src/`; hand-written remarks and the deliberate")
    w("differences below come from `docs/compat-notes.txt`.")
    w("")
    w("States: **works** = exported (functions) or usable from C as lws programs")
    w("use it (everything else); **stub** = exported, logs that it is not")
    w("implemented and returns lws's failure value; **absent** = not there yet.")
    w("Tests: the `capi-tests/` tests (`CAPI_TEST` names) that use the")
    w("identifier. To add a remark or a deliberate difference, add a line")
    w("`name<TAB>state<TAB>note` to `docs/compat-notes.txt` (state: works, stub,")
    w("absent, differs or note; see `tools/compat-table.py`) and run `make compat`.")
    w("See `docs/API-CONVENTIONS.md` for the rules every function follows.")
    w("")
    w("## Deliberate differences from lws")
    w("")
    if differences:
        for name, note in differences:
            w("- `%s`: %s" % (name, note))
    else:
        w("None recorded.")
    w("")
    w("## Summary")
    w("")
    w("| tier | | works | stub | absent | total |")
    w("|---|---|---:|---:|---:|---:|")
    totals = {s: 0 for s in STATES}
    for tier in TIER_TITLES:
        counts = {s: 0 for s in STATES}
        for i, (t, _k, _n) in enumerate(entries):
            if t == tier:
                counts[states[i]] += 1
        for s in STATES:
            totals[s] += counts[s]
        w("| %s | %s | %d | %d | %d | %d |" % (
            tier, TIER_TITLES[tier].split(",")[0].split(":")[0],
            counts["works"], counts["stub"], counts["absent"], sum(counts.values())))
    w("| all | | %d | %d | %d | %d |" % (
        totals["works"], totals["stub"], totals["absent"], sum(totals.values())))
    for tier in TIER_TITLES:
        w("")
        w("## %s: %s" % (tier, TIER_TITLES[tier]))
        w("")
        w("| identifier | kind | state | tests | note |")
        w("|---|---|---|---|---|")
        for i, (t, kind, name) in enumerate(entries):
            if t != tier:
                continue
            remark = "; ".join(
                ("differs: " + n) if s == "differs" else n
                for s, n in notes.get(name, []) if n)
            w("| `%s` | %s | %s | %s | %s |" % (
                name, kind, states[i],
                test_list(tests[i]), md_escape(remark)))
    w("")
    w("## Exported beyond this list")
    w("")
    if extra_exports:
        w("Functions the library exports that the list above does not track")
        w("(other lws API, and rwsloop's own `rwsloop_*` extensions):")
        w("")
        for name in extra_exports:
            if name in stubs:
                w("- `%s` (stub%s)" % (name, (": " + stubs[name]) if stubs[name] else ""))
            else:
                w("- `%s`" % name)
    else:
        w("None.")
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", help="write here instead of stdout")
    parser.add_argument("--so", default=os.path.join(TOP, "target/release/librwsloop.so"))
    parser.add_argument("--include", default=os.path.join(TOP, "include"))
    parser.add_argument("--symbols", default=os.path.join(TOP, "docs/lws-symbols.txt"))
    parser.add_argument("--notes", default=os.path.join(TOP, "docs/compat-notes.txt"))
    parser.add_argument("--src", default=os.path.join(TOP, "src"))
    parser.add_argument("--tests", default=os.path.join(TOP, "capi-tests"))
    args = parser.parse_args()

    entries = read_symbols(args.symbols)
    known = {name for _t, _k, name in entries}
    notes, differences = read_notes(args.notes, known)
    if not os.path.exists(args.so):
        fail("%s is missing: build the library first (make lib)" % args.so)
    exports = exported_functions(args.so)
    stubs = stubs_in_source(args.src)
    cc = "gcc"  # the probe run relies on GCC's -fmax-errors and message format
    probed, failed = header_state(entries, args.include, cc)
    text = header_text(args.include)
    tests_src = test_identifiers(args.tests)

    states, tests = [], []
    for index, (_tier, kind, name) in enumerate(entries):
        if kind in ("function", "link-only"):
            state = "works" if name in exports else "absent"
            if state == "works" and name in stubs:
                state = "stub"
        elif index in probed:
            state = "absent" if index in failed else "works"
        else:  # an opaque struct: the headers only have to name it
            tag = r"\s+".join(re.escape(w) for w in name.split(" "))
            state = "works" if re.search(r"\b%s\b" % tag, text) else "absent"
        for note_state, _note in notes.get(name, []):
            if note_state in STATES:
                state = note_state
        if kind in ("function", "link-only") and stubs.get(name) and name in exports:
            notes.setdefault(name, []).insert(0, ("note", stubs[name]))
        states.append(state)
        tests.append(tests_mentioning(kind, name, tests_src))

    tracked = {n for _t, k, n in entries if k in ("function", "link-only")}
    extra = sorted(exports - tracked)
    document = render(entries, states, tests, notes, differences, extra, stubs)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(document)
    else:
        sys.stdout.write(document)


if __name__ == "__main__":
    main()
