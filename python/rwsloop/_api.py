"""argtypes/restype for every function the library exports.

``SIGNATURES`` is the single table: name -> (restype, argtypes, variadic).
For a variadic function ``argtypes`` lists only the fixed parameters; the
binding calls it with extra arguments of its own choosing (``_lws_log`` is
always called with the format ``"%s"`` and one ``bytes`` argument).

``python/tests/test_exports.py`` parses the C headers in ``include/`` and
fails when a declared function is missing here or has a different number of
parameters, so add a row whenever the header grows.
"""

import ctypes
from ctypes import POINTER, c_char_p, c_int, c_size_t, c_ulong, c_void_p
from typing import Dict, Optional, Set, Tuple

from ._types import (
    lws_adopt_desc_t,
    lws_context_creation_info,
    lws_log_emit_t,
    lws_protocol_vhost_options,
    lws_protocols,
    lws_sorted_usec_list,
    lws_usec_t,
    sul_cb_t,
)

_ctx = c_void_p  # struct lws_context *
_vh = c_void_p  # struct lws_vhost *
_wsi = c_void_p  # struct lws *
_info_p = POINTER(lws_context_creation_info)
_prot_p = POINTER(lws_protocols)
_sul_p = POINTER(lws_sorted_usec_list)
_pvo_p = POINTER(lws_protocol_vhost_options)
_adopt_p = POINTER(lws_adopt_desc_t)
_fd = c_int  # lws_sockfd_type; also lws_sock_file_fd_type passed by value
_va_list = c_void_p  # va_list decays to a pointer on x86-64 when passed

Signature = Tuple[Optional[type], Tuple[type, ...], bool]

_ = False  # not variadic
VARIADIC = True

SIGNATURES: Dict[str, Signature] = {
    # context (lws-context-vhost.h)
    "lws_create_context": (c_void_p, (_info_p,), _),
    "lws_context_destroy": (None, (_ctx,), _),
    "lws_context_user": (c_void_p, (_ctx,), _),
    "lws_context_is_being_destroyed": (c_int, (_ctx,), _),
    "lws_get_count_threads": (c_int, (_ctx,), _),
    # vhosts
    "lws_create_vhost": (c_void_p, (_ctx, _info_p), _),
    "lws_vhost_destroy": (None, (_vh,), _),
    "lws_vhost_get_context": (c_void_p, (_vh,), _),
    "lws_get_vhost": (c_void_p, (_wsi,), _),
    "lws_get_vhost_name": (c_char_p, (_vh,), _),
    "lws_get_vhost_port": (c_int, (_vh,), _),
    "lws_get_vhost_listen_port": (c_int, (_vh,), _),
    "lws_get_vhost_user": (c_void_p, (_vh,), _),
    "lws_get_vhost_iface": (c_char_p, (_vh,), _),
    "lws_get_vhost_by_name": (c_void_p, (_ctx, c_char_p), _),
    # protocols (lws-protocols-plugins.h)
    "lws_get_protocol": (_prot_p, (_wsi,), _),
    "lws_vhost_name_to_protocol": (_prot_p, (_vh, c_char_p), _),
    "lws_protocol_vh_priv_zalloc": (c_void_p, (_vh, _prot_p, c_int), _),
    "lws_protocol_vh_priv_get": (c_void_p, (_vh, _prot_p), _),
    "lws_callback_http_dummy": (c_int, (_wsi, c_int, c_void_p, c_void_p, c_size_t), _),
    "lws_pvo_search": (_pvo_p, (_pvo_p, c_char_p), _),
    "lws_pvo_get_str": (c_int, (c_void_p, c_char_p, POINTER(c_char_p)), _),
    # wsi helpers (lws-misc.h)
    "lws_get_context": (c_void_p, (_wsi,), _),
    "lws_wsi_user": (c_void_p, (_wsi,), _),
    "lws_set_wsi_user": (None, (_wsi, c_void_p), _),
    "lws_get_opaque_user_data": (c_void_p, (_wsi,), _),
    "lws_set_opaque_user_data": (None, (_wsi, c_void_p), _),
    "lws_get_library_version": (c_char_p, (), _),
    "lws_now_usecs": (lws_usec_t, (), _),
    "lws_now_secs": (c_ulong, (), _),
    "lws_get_random": (c_size_t, (_ctx, c_void_p, c_size_t), _),
    "lws_cmdline_option": (c_char_p, (c_int, POINTER(c_char_p), c_char_p), _),
    # returns dest: kept as an address so ctypes does not copy it to bytes
    "lws_strncpy": (c_void_p, (c_void_p, c_char_p, c_size_t), _),
    # adopting descriptors (lws-adopt.h); type is lws_adoption_type
    "lws_adopt_descriptor_vhost": (c_void_p, (_vh, c_int, _fd, c_char_p, _wsi), _),
    "lws_adopt_descriptor_vhost_via_info": (c_void_p, (_adopt_p,), _),
    "lws_adopt_socket": (c_void_p, (_ctx, _fd), _),
    "lws_adopt_socket_vhost": (c_void_p, (_vh, _fd), _),
    "lws_adopt_socket_readbuf": (c_void_p, (_ctx, _fd, c_char_p, c_size_t), _),
    "lws_adopt_socket_vhost_readbuf": (c_void_p, (_vh, _fd, c_char_p, c_size_t), _),
    # connections (lws-misc.h, lws-writeable.h, lws-write.h, lws-timeout-timer.h)
    "lws_get_socket_fd": (c_int, (_wsi,), _),
    "lws_create_adopt_udp": (
        c_void_p,
        (_vh, c_char_p, c_int, c_int, c_char_p, c_char_p, _wsi, c_void_p, c_void_p, c_char_p),
        _,
    ),
    "lws_get_udp": (c_void_p, (_wsi,), _),
    "lws_raw_transaction_completed": (c_int, (_wsi,), _),
    "lws_wsi_tag": (c_char_p, (_wsi,), _),
    "lws_canonical_hostname": (c_char_p, (_ctx,), _),
    "lws_cmdline_option_handle_builtin": (None, (c_int, c_void_p, c_void_p), _),
    "lws_retry_sul_schedule": (c_int, (_ctx, c_int, _sul_p, c_void_p, c_void_p, c_void_p), _),
    "lws_retry_sul_schedule_retry_wsi": (c_int, (_wsi, _sul_p, c_void_p, c_void_p), _),
    "lws_client_connect_via_info": (c_void_p, (c_void_p,), _),
    "lws_get_network_wsi": (c_void_p, (_wsi,), _),
    "lws_get_peer_simple": (c_char_p, (_wsi, c_void_p, c_size_t), _),
    "lws_callback_on_writable": (c_int, (_wsi,), _),
    "lws_callback_on_writable_all_protocol": (c_int, (_ctx, _prot_p), _),
    "lws_callback_on_writable_all_protocol_vhost": (c_int, (_vh, _prot_p), _),
    "lws_rx_flow_control": (c_int, (_wsi, c_int), _),
    "lws_rx_flow_allow_all_protocol": (None, (_ctx, _prot_p), _),
    "lws_send_pipe_choked": (c_int, (_wsi,), _),
    "lws_partial_buffered": (c_int, (_wsi,), _),
    "lws_write": (c_int, (_wsi, c_void_p, c_size_t, c_int), _),
    "lws_set_timeout": (None, (_wsi, c_int, c_int), _),
    "lws_set_timeout_us": (None, (_wsi, c_int, lws_usec_t), _),
    "lws_set_timer_usecs": (None, (_wsi, lws_usec_t), _),
    # service (lws-service.h)
    "lws_service": (c_int, (_ctx, c_int), _),
    "lws_service_tsi": (c_int, (_ctx, c_int, c_int), _),
    "lws_service_fd": (c_int, (_ctx, c_void_p), _),
    "lws_service_fd_tsi": (c_int, (_ctx, c_void_p, c_int), _),
    "lws_service_adjust_timeout": (c_int, (_ctx, c_int, c_int), _),
    "lws_evlib_tsi_to_evlib_pt": (c_void_p, (_ctx, c_int), _),
    "lws_evlib_wsi_to_evlib_pt": (c_void_p, (_wsi,), _),
    "__lws_close_free_wsi_final": (None, (_wsi,), _),
    "lws_cancel_service": (None, (_ctx,), _),
    "lws_cancel_service_pt": (None, (_wsi,), _),
    # scheduled callbacks (lws-timeout-timer.h)
    "lws_sul_schedule": (None, (_ctx, c_int, _sul_p, sul_cb_t, lws_usec_t), _),
    "lws_sul_schedule_wakesuspend": (None, (_ctx, c_int, _sul_p, sul_cb_t, lws_usec_t), _),
    "lws_sul2_schedule": (None, (_ctx, c_int, c_int, _sul_p), _),
    "lws_sul_cancel": (None, (_sul_p,), _),
    # logging (lws-logs.h)
    "lws_set_log_level": (None, (c_int, lws_log_emit_t), _),
    "lwsl_visible": (c_int, (c_int,), _),
    "lwsl_hexdump_level": (None, (c_int, c_void_p, c_size_t), _),
    "lwsl_emit_syslog": (None, (c_int, c_char_p), _),
    "lwsl_emit_stderr": (None, (c_int, c_char_p), _),
    "_lws_log": (None, (c_int, c_char_p), VARIADIC),
    "_lws_logv": (None, (c_int, c_char_p, _va_list), _),
    "lws_snprintf": (c_int, (c_void_p, c_size_t, c_char_p), VARIADIC),
    "lws_open": (c_int, (c_char_p, c_int), VARIADIC),
    # rwsloop's own: the C variadic shim hands formatted lines to the core
    "rwsloop_log_enabled": (c_int, (c_int,), _),
    "rwsloop_log_emit_line": (None, (c_int, c_char_p), _),
}

class Api:
    """The library's functions with their ctypes prototypes applied.

    Attribute access returns the ctypes function; a function the loaded
    library does not export raises ``NotImplementedError`` naming it.
    ``missing`` is the set of table entries the library lacks.
    """

    def __init__(self, lib: ctypes.CDLL, path: str):
        self.lib = lib
        self.path = path
        self.missing: Set[str] = set()
        self._funcs: Dict[str, object] = {}
        for name, (restype, argtypes, variadic) in SIGNATURES.items():
            try:
                fn = getattr(lib, name)
            except AttributeError:
                self.missing.add(name)
                continue
            fn.restype = restype
            if variadic:
                # Fixed parameters plus the one string argument the binding
                # always passes (see module docstring).
                fn.argtypes = list(argtypes) + [c_char_p]
            else:
                fn.argtypes = list(argtypes)
            self._funcs[name] = fn

    def has(self, name: str) -> bool:
        return name in self._funcs

    def __getattr__(self, name: str):
        funcs = self.__dict__.get("_funcs", {})
        if name in funcs:
            return funcs[name]
        if name in SIGNATURES:
            raise NotImplementedError(
                f"{name} is not exported by {self.__dict__.get('path', 'the library')}"
            )
        raise AttributeError(name)


_api: Optional[Api] = None


def api() -> Api:
    """The process-wide Api, loading the library on first use."""
    global _api
    if _api is None:
        from ._lib import load

        lib, path = load()
        _api = Api(lib, path)
    return _api
