"""Compile and run small C programs against a header set (gcc)."""

import os
import re
import shutil
import subprocess
import tempfile
from typing import Iterable, List, Tuple


def have_cc(cc: str = "gcc") -> bool:
    return shutil.which(cc) is not None


def compile_and_run(source: str, include_dirs: Iterable[str], cc: str = "gcc") -> Tuple[bool, str]:
    """Build ``source`` and run it. Returns (ok, stdout or the error text)."""
    with tempfile.TemporaryDirectory(prefix="rwsloop-probe-") as tmp:
        src = os.path.join(tmp, "probe.c")
        exe = os.path.join(tmp, "probe")
        with open(src, "w") as f:
            f.write(source)
        args = [cc, "-std=gnu11", "-w", "-o", exe, src]
        for d in include_dirs:
            args[1:1] = ["-I", str(d)]
        proc = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
        if proc.returncode != 0:
            return False, proc.stderr
        run = subprocess.run([exe], capture_output=True, text=True, timeout=60, check=False)
        if run.returncode != 0:
            return False, f"probe exited {run.returncode}: {run.stderr}"
        return True, run.stdout


def undeclared_names(compiler_errors: str) -> List[str]:
    """Identifiers gcc reported as undeclared / not members, in order."""
    names = re.findall(r"[‘'`]([A-Za-z_][A-Za-z0-9_]*)[’'`] undeclared", compiler_errors)
    names += re.findall(r"has no member named [‘'`]([A-Za-z_][A-Za-z0-9_]*)[’'`]", compiler_errors)
    seen = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def first_errors(compiler_errors: str, limit: int = 15) -> str:
    lines = [l for l in compiler_errors.splitlines() if "error" in l]
    return "\n".join(lines[:limit]) or compiler_errors[-2000:]
