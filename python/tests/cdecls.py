"""Read function declarations out of C headers (for the export-table test).

The header is run through ``gcc -E``; only text that the preprocessor line
markers attribute to files under ``keep_under`` is examined. Inside that text
every top-level declaration of the form ``type name(params);`` is collected
(definitions with a body, typedefs and function-pointer variables are not).
"""

import os
import re
import subprocess
from typing import Dict, Iterable, List, Tuple

Decl = Tuple[int, bool]  # (number of fixed parameters, variadic)

_MARKER = re.compile(r'^#\s*(\d+)\s+"([^"]*)"')
_IDENT_END = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*$")


class PreprocessError(RuntimeError):
    pass


def preprocess(header: str, include_dirs: Iterable[str], cc: str = "gcc") -> str:
    args = [cc, "-E", "-std=gnu11", "-D_GNU_SOURCE"]
    for d in include_dirs:
        args += ["-I", d]
    args.append(header)
    proc = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    if proc.returncode != 0:
        raise PreprocessError(f"{' '.join(args)} failed:\n{proc.stderr[-4000:]}")
    return proc.stdout


def _text_from(preprocessed: str, keep_under: Iterable[str]) -> str:
    roots = [os.path.realpath(r) + os.sep for r in keep_under]
    keep = False
    out: List[str] = []
    for line in preprocessed.splitlines():
        m = _MARKER.match(line)
        if m:
            path = os.path.realpath(m.group(2)) if m.group(2) and not m.group(2).startswith("<") else ""
            keep = any(path.startswith(r) for r in roots)
            continue
        if keep:
            out.append(line)
    return "\n".join(out)


def _strip_balanced(text: str, keyword: str) -> str:
    """Remove ``keyword ( ... )`` with balanced parentheses."""
    out = []
    i = 0
    while True:
        j = text.find(keyword, i)
        if j < 0:
            out.append(text[i:])
            return "".join(out)
        out.append(text[i:j])
        k = text.find("(", j + len(keyword))
        if k < 0 or text[j + len(keyword):k].strip():
            out.append(keyword)
            i = j + len(keyword)
            continue
        depth = 0
        m = k
        while m < len(text):
            if text[m] == "(":
                depth += 1
            elif text[m] == ")":
                depth -= 1
                if depth == 0:
                    break
            m += 1
        i = m + 1


def _statements(text: str) -> List[Tuple[str, str]]:
    """Split top-level text into (statement, terminator) pairs.

    The terminator is ';' or '{}' (a braced body: struct, enum or function
    definition); text inside braces is dropped.
    """
    out: List[Tuple[str, str]] = []
    cur: List[str] = []
    depth = 0
    for ch in text:
        if depth:
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    out.append(("".join(cur), "{}"))
                    cur = []
            continue
        if ch == "{":
            depth = 1
        elif ch == ";":
            out.append(("".join(cur), ";"))
            cur = []
        else:
            cur.append(ch)
    return out


def _split_params(params: str) -> List[str]:
    parts, depth, cur = [], 0, []
    for ch in params:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    last = "".join(cur).strip()
    if last or parts:
        parts.append(last)
    return parts


def parse_declarations(text: str) -> Dict[str, Decl]:
    for kw in ("__attribute__", "__asm__", "__asm", "__declspec"):
        text = _strip_balanced(text, kw)
    text = re.sub(r"\b(__extension__|__restrict|__restrict__|__inline|__inline__)\b", " ", text)
    found: Dict[str, Decl] = {}
    for stmt, term in _statements(text):
        s = " ".join(stmt.split())
        if term != ";" or not s.endswith(")"):
            continue
        if re.match(r"^(typedef|static)\b", s):
            continue
        # the parameter list is the final balanced (...) group
        depth = 0
        k = len(s) - 1
        while k >= 0:
            if s[k] == ")":
                depth += 1
            elif s[k] == "(":
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        if k <= 0:
            continue
        m = _IDENT_END.search(s[:k])
        if not m:
            continue  # e.g. a function-pointer variable: (*name)(...)
        head = s[: m.start()].strip()
        if not head or head.endswith("("):
            continue
        name = m.group(1)
        params = _split_params(s[k + 1:-1])
        variadic = bool(params) and params[-1] == "..."
        if variadic:
            params = params[:-1]
        if params == ["void"] or params == []:
            n = 0
        else:
            n = len(params)
        found[name] = (n, variadic)
    return found


def declared_functions(header: str, include_dirs: Iterable[str], keep_under: Iterable[str]) -> Dict[str, Decl]:
    """name -> (fixed parameter count, variadic) for functions declared in
    files under ``keep_under`` when ``header`` is compiled."""
    include_dirs = list(include_dirs)
    return parse_declarations(_text_from(preprocess(header, include_dirs), keep_under))
