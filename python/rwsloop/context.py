"""The Python-friendly layer: contexts, protocols, timers and logging.

A :class:`Context` owns one ``struct lws_context``. Everything the C side
keeps a pointer to (the creation info, the protocol array and its names, every
callback trampoline, every timer's ``lws_sorted_usec_list``) is referenced
from the Context until the library can no longer call or read it, so C never
reaches freed memory.

Threading follows lws: one thread runs :meth:`Context.service`; any thread may
call :meth:`Context.cancel_service`. ctypes releases the GIL while the loop
waits, so other Python threads keep running.

Python callbacks never raise through C. An ``Exception`` from a protocol
callback is logged on the ``rwsloop`` logger, recorded in
:attr:`Context.callback_errors` and turned into a ``-1`` return; a
``KeyboardInterrupt``/``SystemExit`` is returned as ``-1`` too and re-raised
from :meth:`Context.service` once the C call has returned.
"""

import atexit
import ctypes
import logging
import sys
import threading
import time
import weakref
from typing import Any, Callable, Dict, Iterable, List, Optional

from . import _types as T
from ._api import api

logger = logging.getLogger("rwsloop")

#: How many callback exceptions a Context remembers (oldest dropped first).
MAX_RECORDED_ERRORS = 100

_live_contexts: "weakref.WeakSet[Context]" = weakref.WeakSet()


class Reason(int):
    """A callback reason number that also knows its name.

    ``reason == rwsloop.LWS_CALLBACK_PROTOCOL_INIT`` and
    ``reason.name == "PROTOCOL_INIT"`` both hold; ``str(reason)`` gives the C
    spelling, ``LWS_CALLBACK_PROTOCOL_INIT``.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        return T.reason_name(self)

    def __str__(self) -> str:
        return "LWS_CALLBACK_" + self.name

    def __repr__(self) -> str:
        return f"<Reason {self.name}={int(self)}>"


ProtocolCallback = Callable[[int, Reason, int, int, int], Optional[int]]


class Protocol:
    """One entry of the protocol list handed to the context.

    ``callback(wsi, reason, user, in_, len_)`` receives the pointers as ints
    (0 for NULL) and ``reason`` as a :class:`Reason`; returning ``None`` means
    0. With ``callback=None`` the library's ``lws_callback_http_dummy`` is used.
    """

    def __init__(
        self,
        name: str,
        callback: Optional[ProtocolCallback],
        per_session_data_size: int = 0,
        rx_buffer_size: int = 0,
        id: int = 0,
        tx_packet_size: int = 0,
    ):
        if not name:
            raise ValueError("a protocol needs a non-empty name")
        self.name = name
        self.callback = callback
        self.per_session_data_size = per_session_data_size
        self.rx_buffer_size = rx_buffer_size
        self.id = id
        self.tx_packet_size = tx_packet_size

    def __repr__(self) -> str:
        return f"Protocol({self.name!r})"


class CallbackError:
    """An exception caught at the C boundary, with where it happened."""

    def __init__(self, where: str, reason: Optional[int], exc: BaseException):
        self.where = where
        self.reason = None if reason is None else Reason(reason)
        self.exception = exc

    def __repr__(self) -> str:
        return f"CallbackError({self.where!r}, {self.reason!r}, {self.exception!r})"


class Timer:
    """A one-shot scheduled call made by :meth:`Context.schedule`.

    ``due_us`` is the absolute due time on the library's monotonic clock
    (:func:`now_us`), as the library recorded it in the node.
    """

    __slots__ = ("_ctx", "fn", "_sul", "due_us", "fired", "fired_us", "cancelled", "__weakref__")

    def __init__(self, ctx: "Context", fn: Callable[[], Any], sul: T.lws_sorted_usec_list):
        self._ctx = ctx
        self.fn = fn
        self._sul = sul
        self.due_us = 0
        self.fired = False
        self.fired_us = 0
        self.cancelled = False

    @property
    def pending(self) -> bool:
        """True while the timer is scheduled and its context is alive."""
        return self._sul is not None and not self.fired and not self.cancelled

    def cancel(self) -> bool:
        """Unschedule; True if it was pending. Safe to call more than once."""
        if not self.pending:
            return False
        return self._ctx._cancel_timer(self)

    def __repr__(self) -> str:
        state = "fired" if self.fired else "cancelled" if self.cancelled else "pending"
        return f"<Timer due_us={self.due_us} {state}>"


def _as_c_string(value: Any) -> Any:
    if isinstance(value, str):
        return value.encode("utf-8")
    return value


class Context:
    """A libwebsockets context driven from Python.

    ``Context(protocols=[Protocol(name, cb)], port=CONTEXT_PORT_NO_LISTEN,
    options=0, user=None, **info_fields)``; ``info_fields`` sets any other
    member of ``lws_context_creation_info`` by name (str values are encoded,
    and everything passed is kept alive with the context).

    ``user`` is kept as :attr:`user`; when it is an int (an address) or a
    ctypes object, C sees it through ``lws_context_user()``.
    """

    def __init__(
        self,
        protocols: Iterable[Protocol] = (),
        port: int = T.CONTEXT_PORT_NO_LISTEN,
        options: int = 0,
        user: Any = None,
        **info_fields: Any,
    ):
        self._api = api()
        self._lock = threading.RLock()
        self._handle: Optional[int] = None
        self._keep: List[Any] = []
        self._timers: Dict[int, Timer] = {}
        self._in_service = 0
        self._destroyed = False
        self._release_after_service = False
        self._pending_interrupt: Optional[BaseException] = None
        # Timer nodes that left the library's lists during a pass; freed once
        # the pass has returned to Python, never while C may still hold them.
        self._retired: List[Any] = []
        self.callback_errors: List[CallbackError] = []
        self.user = user
        self.protocols = list(protocols)

        self_ref = weakref.ref(self)

        # One trampoline for every timer: the node's address finds the Timer.
        def on_sul(sul_ptr: Any) -> None:
            ctx = self_ref()
            if ctx is not None:
                ctx._on_sul(ctypes.cast(sul_ptr, ctypes.c_void_p).value or 0)

        self._sul_trampoline = T.sul_cb_t(on_sul)
        # Scheduled after Python code ran inside service() so the pass ends
        # promptly instead of waiting for the next unrelated event.
        self._kick = T.lws_sorted_usec_list()

        arr = (T.lws_protocols * (len(self.protocols) + 1))()
        for i, proto in enumerate(self.protocols):
            name = proto.name.encode("utf-8")
            self._keep.append(name)
            arr[i].name = name
            if proto.callback is None:
                dummy = ctypes.cast(self._api.lws_callback_http_dummy, ctypes.c_void_p).value
                arr[i].callback = T.lws_callback_function(dummy)
            else:
                tramp = T.lws_callback_function(self._make_trampoline(self_ref, proto))
                self._keep.append(tramp)
                arr[i].callback = tramp
            arr[i].per_session_data_size = proto.per_session_data_size
            arr[i].rx_buffer_size = proto.rx_buffer_size
            arr[i].id = proto.id
            arr[i].tx_packet_size = proto.tx_packet_size
        self._protocol_array = arr

        info = T.lws_context_creation_info()
        info.port = port
        info.options = options
        if self.protocols:
            info.protocols = ctypes.cast(arr, ctypes.POINTER(T.lws_protocols))
        c_user = self._c_user_pointer(user)
        if c_user:
            info.user = c_user
        known = {f[0] for f in T.lws_context_creation_info._fields_}
        for key, value in info_fields.items():
            if key not in known:
                raise TypeError(f"lws_context_creation_info has no member {key!r}")
            value = _as_c_string(value)
            self._keep.append(value)
            setattr(info, key, value)
        self._info = info

        handle = self._api.lws_create_context(ctypes.byref(info))
        if not handle:
            self._destroyed = True
            raise RuntimeError("lws_create_context failed (the library log says why)")
        self._handle = handle
        _live_contexts.add(self)

    # -- construction helpers ------------------------------------------------

    def _c_user_pointer(self, user: Any) -> Optional[int]:
        if user is None:
            return None
        if isinstance(user, int):
            return user
        if isinstance(user, ctypes._SimpleCData) or isinstance(user, ctypes.Structure) or isinstance(
            user, ctypes.Array
        ):
            self._keep.append(user)
            return ctypes.addressof(user)
        return None

    @staticmethod
    def _make_trampoline(self_ref: "weakref.ref[Context]", proto: Protocol):
        fn = proto.callback
        where = f"protocol {proto.name!r} callback"

        def trampoline(wsi, reason, user, in_, len_):
            ctx = self_ref()
            try:
                rv = fn(wsi or 0, Reason(reason), user or 0, in_ or 0, len_)
                return 0 if rv is None else int(rv)
            except BaseException as exc:  # nothing may unwind into C
                if ctx is not None:
                    ctx._record_error(where, reason, exc)
                else:
                    logger.error("exception in %s", where, exc_info=exc)
                return -1
            finally:
                if ctx is not None:
                    ctx._after_python_ran()

        return trampoline

    # -- error handling --------------------------------------------------------

    def _record_error(self, where: str, reason: Optional[int], exc: BaseException) -> None:
        err = CallbackError(where, reason, exc)
        self.callback_errors.append(err)
        del self.callback_errors[:-MAX_RECORDED_ERRORS]
        if isinstance(exc, Exception):
            what = f" ({Reason(reason)})" if reason is not None else ""
            logger.error("exception in %s%s; returning -1 to the library", where, what, exc_info=exc)
        elif self._pending_interrupt is None:
            self._pending_interrupt = exc

    # -- properties ------------------------------------------------------------

    @property
    def handle(self) -> Optional[int]:
        """The ``struct lws_context *`` as an int, or None once destroyed."""
        return self._handle

    @property
    def destroyed(self) -> bool:
        return self._destroyed

    @property
    def protocol_array(self) -> "ctypes.Array[T.lws_protocols]":
        """The C ``lws_protocols`` array given to the library (terminated)."""
        return self._protocol_array

    def _require_handle(self) -> int:
        handle = self._handle
        if handle is None:
            raise RuntimeError("the context has been destroyed")
        return handle

    # -- the loop --------------------------------------------------------------

    def service(self, timeout_ms: int = 0) -> int:
        """Run one pass of the loop; returns ``lws_service()``'s result.

        As in lws, a ``timeout_ms`` >= 0 waits until an event, a timer or a
        cancel; a negative value does not block. If Python code ran during the
        pass (a timer or a protocol callback), the pass ends within about
        1 ms, so the caller sees its effects before the loop sleeps again.
        """
        handle = self._require_handle()
        if self._in_service:
            raise RuntimeError("service() called from inside a callback of the same context")
        self._in_service += 1
        try:
            n = self._api.lws_service(handle, int(timeout_ms))
        finally:
            self._in_service -= 1
            self._retired.clear()
            if self._release_after_service:
                self._release()
        interrupt, self._pending_interrupt = self._pending_interrupt, None
        if interrupt is not None:
            raise interrupt
        return n

    def run_until(
        self,
        predicate: Callable[[], bool],
        max_passes: Optional[int] = None,
        deadline_s: Optional[float] = 10.0,
    ) -> bool:
        """Service until ``predicate()`` is true; return whether it became true.

        Stops after ``max_passes`` passes or once ``deadline_s`` seconds have
        elapsed (None: no limit). The wait never outlasts the deadline: an
        internal timer is scheduled for it.
        """
        deadline = None if deadline_s is None else time.monotonic() + deadline_s
        guard: Optional[Timer] = None
        passes = 0
        try:
            while True:
                if predicate():
                    return True
                if max_passes is not None and passes >= max_passes:
                    return False
                if self._handle is None:
                    return False
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    if guard is None or not guard.pending:
                        guard = self.schedule(max(1, int(left * 1e6)), _nothing)
                if self.service(0) < 0:
                    return bool(predicate())
                passes += 1
        finally:
            if guard is not None:
                guard.cancel()

    def cancel_service(self) -> None:
        """Wake the loop (``lws_cancel_service``); safe from any thread.

        The protocols then receive ``EVENT_WAIT_CANCELLED`` on the loop
        thread. A no-op once the context is destroyed.
        """
        with self._lock:
            if self._handle is not None:
                self._api.lws_cancel_service(self._handle)

    # -- timers ----------------------------------------------------------------

    def schedule(self, delay_us: int, fn: Callable[[], Any]) -> Timer:
        """Call ``fn()`` on the loop thread once, ``delay_us`` µs from now."""
        handle = self._require_handle()
        if delay_us < 0:
            raise ValueError("delay_us must be >= 0")
        sul = T.lws_sorted_usec_list()
        timer = Timer(self, fn, sul)
        self._timers[ctypes.addressof(sul)] = timer
        self._api.lws_sul_schedule(handle, 0, ctypes.byref(sul), self._sul_trampoline, int(delay_us))
        timer.due_us = sul.us
        return timer

    def _cancel_timer(self, timer: Timer) -> bool:
        sul = timer._sul
        if sul is None or self._handle is None:
            return False
        self._api.lws_sul_cancel(ctypes.byref(sul))
        self._timers.pop(ctypes.addressof(sul), None)
        timer.cancelled = True
        timer._sul = None
        self._retire(sul)
        return True

    def _retire(self, sul: T.lws_sorted_usec_list) -> None:
        if self._in_service:
            self._retired.append(sul)

    def _on_sul(self, addr: int) -> None:
        timer = self._timers.pop(addr, None)
        if timer is None:
            return  # the kick node, or a timer already cancelled
        timer.fired = True
        timer.fired_us = self._api.lws_now_usecs()
        sul, timer._sul = timer._sul, None
        self._retire(sul)
        try:
            timer.fn()
        except BaseException as exc:
            self._record_error("timer", None, exc)
        finally:
            self._after_python_ran()

    def _after_python_ran(self) -> None:
        # Only while a pass is running on a live context: end the pass soon.
        if self._in_service and self._handle is not None:
            self._api.lws_sul_schedule(
                self._handle, 0, ctypes.byref(self._kick), self._sul_trampoline, 1
            )

    # -- teardown --------------------------------------------------------------

    def destroy(self) -> None:
        """Destroy the context; calling it again does nothing.

        Allowed from inside a callback: the library finishes the destroy when
        the pass ends, and Python keeps its callbacks alive until then.
        """
        with self._lock:
            handle = self._handle
            if handle is None:
                return
            self._handle = None
        self._destroyed = True
        _live_contexts.discard(self)
        self._api.lws_context_destroy(handle)
        # Timer nodes belonged to the context's lists, which are gone.
        for timer in list(self._timers.values()):
            timer._sul = None
        if self._in_service:
            self._release_after_service = True
        else:
            self._release()

    def _release(self) -> None:
        self._release_after_service = False
        self._timers.clear()
        self._keep.clear()

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.destroy()

    def __del__(self) -> None:
        try:
            if self._handle is not None and not self._in_service:
                self.destroy()
        except Exception:
            pass

    def __repr__(self) -> str:
        state = "destroyed" if self._handle is None else hex(self._handle)
        return f"<rwsloop.Context {state} protocols={[p.name for p in self.protocols]}>"

    # -- small conveniences ------------------------------------------------------

    def context_user(self) -> Optional[int]:
        """``lws_context_user()``: the C user pointer (None for NULL)."""
        return self._api.lws_context_user(self._require_handle())

    def count_threads(self) -> int:
        return self._api.lws_get_count_threads(self._require_handle())

    def vhost(self, name: str = "default") -> Optional[int]:
        """``lws_get_vhost_by_name()``; the context's own vhost is "default"."""
        return self._api.lws_get_vhost_by_name(self._require_handle(), name.encode("utf-8"))

    def adopt(
        self,
        fd: int,
        protocol: Optional[str] = None,
        vhost: Optional[int] = None,
        socket: bool = True,
    ) -> int:
        """Hand ``fd`` to the loop as a RAW wsi (``lws_adopt_descriptor_vhost``).

        ``socket=False`` adopts a plain file descriptor (RAW_FILE). The library
        owns the descriptor from then on (it closes it when the wsi closes),
        so detach it from any Python socket object first. ``protocol`` names
        the protocol to bind (None: the vhost's default). Returns the wsi.
        """
        vh = vhost if vhost is not None else self.vhost()
        if not vh:
            raise RuntimeError("the context has no vhost to adopt into")
        kind = T.LWS_ADOPT_SOCKET if socket else T.LWS_ADOPT_RAW_FILE_DESC
        name = None if protocol is None else protocol.encode("utf-8")
        wsi = self._api.lws_adopt_descriptor_vhost(vh, kind, int(fd), name, None)
        if not wsi:
            raise OSError(f"lws_adopt_descriptor_vhost refused fd {fd}")
        return wsi


def _nothing() -> None:
    pass


# -- wsi helpers -----------------------------------------------------------------


def wsi_protocol_name(wsi: int) -> Optional[str]:
    """Name of the protocol bound to ``wsi`` (``lws_get_protocol``)."""
    p = api().lws_get_protocol(wsi)
    if not p or not p.contents.name:
        return None
    return p.contents.name.decode("utf-8", "replace")


def wsi_context(wsi: int) -> Optional[int]:
    """``lws_get_context(wsi)`` as an int."""
    return api().lws_get_context(wsi)


def wsi_vhost(wsi: int) -> Optional[int]:
    """``lws_get_vhost(wsi)`` as an int."""
    return api().lws_get_vhost(wsi)


def data(in_: int, len_: int) -> bytes:
    """Copy a callback's ``in``/``len`` payload into bytes."""
    return ctypes.string_at(in_, len_) if in_ and len_ else b""


def write(wsi: int, payload: bytes, protocol: int = T.LWS_WRITE_RAW) -> int:
    """``lws_write()`` with the LWS_PRE headroom lws requires before the data."""
    buf = ctypes.create_string_buffer(T.LWS_PRE + len(payload))
    ctypes.memmove(ctypes.addressof(buf) + T.LWS_PRE, payload, len(payload))
    return api().lws_write(wsi, ctypes.addressof(buf) + T.LWS_PRE, len(payload), int(protocol))


def callback_on_writable(wsi: int) -> int:
    """``lws_callback_on_writable(wsi)``."""
    return api().lws_callback_on_writable(wsi)


def now_us() -> int:
    """The library's monotonic clock in µs (``lws_now_usecs``)."""
    return api().lws_now_usecs()


def library_version() -> str:
    v = api().lws_get_library_version()
    return "" if v is None else v.decode("utf-8", "replace")


# -- logging -----------------------------------------------------------------------

LogEmit = Callable[[int, str], Any]

_emit_lock = threading.Lock()
_emit_py: Optional[LogEmit] = None
_emit_c: Optional[Any] = None  # installed once, never freed: C may keep it


def _emit_trampoline(level: int, line: Optional[bytes]) -> None:
    fn = _emit_py
    if fn is None:
        return
    try:
        fn(level, "" if line is None else line.decode("utf-8", "replace"))
    except BaseException:
        # A broken emitter must not take the loop down; report it once.
        try:
            sys.stderr.write("rwsloop: exception in the log emit callable (ignored)\n")
        except Exception:
            pass


def emit_stderr(level: int, line: str) -> None:
    """A Python emitter that writes lines to ``sys.stderr``."""
    sys.stderr.write(line if line.endswith("\n") else line + "\n")


def set_log_level(mask: int, emit: Optional[LogEmit] = None) -> None:
    """``lws_set_log_level(mask, emit)``.

    ``emit(level, line)`` receives each enabled line as str. With
    ``emit=None`` the current emitter stays (as in lws, which keeps its
    emitter when given NULL); pass :func:`emit_stderr` to print again.
    """
    global _emit_py, _emit_c
    a = api()
    with _emit_lock:
        if emit is None:
            a.lws_set_log_level(int(mask), T.lws_log_emit_t())  # NULL
            return
        _emit_py = emit
        if _emit_c is None:
            _emit_c = T.lws_log_emit_t(_emit_trampoline)
        a.lws_set_log_level(int(mask), _emit_c)


def log(level: int, message: str) -> None:
    """Log one line through the library (``_lws_log(level, "%s", message)``)."""
    api()._lws_log(int(level), b"%s", message.encode("utf-8", "replace"))


def log_visible(level: int) -> bool:
    """``lwsl_visible(level)``."""
    return bool(api().lwsl_visible(int(level)))


@atexit.register
def _destroy_live_contexts() -> None:
    for ctx in list(_live_contexts):
        try:
            ctx.destroy()
        except Exception:
            pass
