"""Locating and loading the rwsloop shared library.

Search order (the first candidate that loads wins):

1. ``RWSLOOP_LIB``: an explicit path to the ``.so``. When it is set it is the
   only candidate, so a typo is reported instead of silently falling back to
   some other copy of the library.
2. ``pkg-config --variable=libdir rwsloop``: an installed library,
   ``librwsloop.so.0`` in that directory (``librwsloop.so`` as a second try).
3. The build tree this package sits in: ``<repo>/target/release/librwsloop.so``
   (the package lives in ``<repo>/python/rwsloop``).

Because the library exposes the libwebsockets 4.3 API, ``RWSLOOP_LIB`` may
also point at a real ``libwebsockets.so.19``; the binding only uses that API.
"""

import ctypes
import os
import shutil
import subprocess
from pathlib import Path
from typing import List, Optional, Tuple

ENV_VAR = "RWSLOOP_LIB"
PKG_NAME = "rwsloop"
SONAME = "librwsloop.so.0"

_PACKAGE_DIR = Path(__file__).resolve().parent
BUILD_TREE_LIB = _PACKAGE_DIR.parent.parent / "target" / "release" / "librwsloop.so"


class LibraryNotFoundError(OSError):
    """No candidate library could be loaded; ``tried`` says what and why."""

    def __init__(self, tried: List[Tuple[str, str]]):
        self.tried = list(tried)
        lines = ["could not load the rwsloop library; tried:"]
        for where, why in self.tried:
            lines.append(f"  - {where}: {why}")
        lines.append(
            f"set {ENV_VAR}=/path/to/librwsloop.so, install rwsloop so that "
            f"'pkg-config --variable=libdir {PKG_NAME}' finds it, or build it "
            "with 'cargo build --release --locked'"
        )
        super().__init__("\n".join(lines))


def _pkg_config_libdir() -> Tuple[Optional[str], str]:
    """Return (libdir or None, explanation)."""
    exe = shutil.which("pkg-config")
    if exe is None:
        return None, "pkg-config is not installed"
    try:
        proc = subprocess.run(
            [exe, "--variable=libdir", PKG_NAME],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return None, f"pkg-config failed to run ({exc})"
    libdir = proc.stdout.strip()
    if proc.returncode != 0 or not libdir:
        detail = proc.stderr.strip().splitlines()
        reason = detail[0] if detail else f"exit status {proc.returncode}"
        return None, f"pkg-config does not know {PKG_NAME} ({reason})"
    return libdir, "ok"


def candidates() -> List[Tuple[str, Optional[str], str]]:
    """The places to try, in order, as (where, path, note).

    ``path`` is None when a step has nothing to try; ``note`` then says why.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return [(f"${ENV_VAR}", env, "")]
    out: List[Tuple[str, Optional[str], str]] = [(f"${ENV_VAR}", None, "not set")]
    libdir, why = _pkg_config_libdir()
    if libdir is None:
        out.append(("pkg-config", None, why))
    else:
        for name in (SONAME, "librwsloop.so"):
            out.append(("pkg-config libdir", os.path.join(libdir, name), ""))
    out.append(("build tree", str(BUILD_TREE_LIB), ""))
    return out


def load() -> Tuple[ctypes.CDLL, str]:
    """Load the library; return (handle, path). Raise LibraryNotFoundError."""
    tried: List[Tuple[str, str]] = []
    for where, path, note in candidates():
        if path is None:
            tried.append((where, note))
            continue
        label = f"{where} {path}"
        if not os.path.exists(path):
            tried.append((label, "no such file"))
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as exc:
            tried.append((label, f"failed to load ({exc})"))
    raise LibraryNotFoundError(tried)
