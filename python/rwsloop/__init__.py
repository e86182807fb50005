"""rwsloop: the libwebsockets 4.3 API from Python, through ctypes.

    import rwsloop

    def cb(wsi, reason, user, in_, len_):
        print(reason.name)

    with rwsloop.Context(protocols=[rwsloop.Protocol("demo", cb)]) as ctx:
        t = ctx.schedule(100_000, lambda: print("100 ms later"))
        ctx.run_until(lambda: t.fired, deadline_s=2)

Low-level access: ``rwsloop.api()`` returns every exported C function with its
prototype applied (``rwsloop._api.SIGNATURES``); ``rwsloop._types`` holds the
ctypes mirrors of the C structs.
"""

from ._api import SIGNATURES, Api, api
from ._lib import LibraryNotFoundError
from ._types import *  # noqa: F401,F403  constants and struct mirrors
from ._types import (
    CALLBACK_REASONS,
    CONTEXT_PORT_NO_LISTEN,
    CONTEXT_PORT_NO_LISTEN_SERVER,
    LOG_LEVELS,
    SERVER_OPTIONS,
    reason_name,
)
from .context import (
    CallbackError,
    Context,
    Protocol,
    Reason,
    Timer,
    callback_on_writable,
    data,
    emit_stderr,
    library_version,
    log,
    log_visible,
    now_us,
    set_log_level,
    wsi_context,
    wsi_protocol_name,
    wsi_vhost,
    write,
)

__version__ = "0.1.0"
