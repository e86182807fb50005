"""Adopting a socket as a RAW wsi and exchanging bytes with Python callbacks
(§5.3)."""

import select
import socket

import rwsloop
from helpers import Recorder


def test_adopted_socketpair_round_trip(lws, quiet_logs):
    rec = Recorder()
    rx = bytearray()
    echoed = []

    def extra(wsi, reason, user, in_, len_):
        if reason == rwsloop.LWS_CALLBACK_RAW_RX:
            rx.extend(rwsloop.data(in_, len_))
            rwsloop.callback_on_writable(wsi)
        elif reason == rwsloop.LWS_CALLBACK_RAW_WRITEABLE and rx and not echoed:
            payload = b"echo:" + bytes(rx)
            echoed.append(rwsloop.write(wsi, payload))
        return 0

    ours, peer = socket.socketpair()
    peer.setblocking(False)
    with rwsloop.Context(protocols=[rwsloop.Protocol("raw", rec.callback_for("raw", extra))]) as ctx:
        assert ctx.run_until(lambda: rec.count("PROTOCOL_INIT"), deadline_s=5)
        wsi = ctx.adopt(ours.detach(), protocol="raw")
        assert wsi and rwsloop.wsi_protocol_name(wsi) == "raw"
        assert rec.count("RAW_ADOPT") == 1
        assert lws.lws_get_socket_fd(wsi) >= 0

        peer.sendall(b"ping")
        assert ctx.run_until(lambda: bytes(rx) == b"ping", deadline_s=5)

        got = bytearray()

        def peer_got_echo():
            if select.select([peer], [], [], 0)[0]:
                got.extend(peer.recv(100))
            return bytes(got) == b"echo:ping"

        assert ctx.run_until(peer_got_echo, deadline_s=5), bytes(got)
        assert echoed == [len(b"echo:ping")]

        peer.close()
        assert ctx.run_until(lambda: rec.count("RAW_CLOSE"), deadline_s=5)
    # the order real lws 4.3.5 produces (§5.3), leaving out the writeable
    # callback and the wake-ups
    order = [r for _, r in rec.events if r not in ("RAW_WRITEABLE", "EVENT_WAIT_CANCELLED")]
    assert order == [
        "PROTOCOL_INIT",
        "RAW_SKT_BIND_PROTOCOL",
        "RAW_ADOPT",
        "RAW_RX",
        "RAW_CLOSE",
        "PROTOCOL_DESTROY",
    ], order
