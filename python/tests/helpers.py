"""Small helpers shared by the behaviour tests."""

import rwsloop

# Reasons every lws build may add around the ones a test is about: the
# external-poll bookkeeping (Debian builds with LWS_WITH_EXTERNAL_POLL),
# thread id probing, wsi lifetime notes for internal wsis.
NOISE = {
    rwsloop.LWS_CALLBACK_GET_THREAD_ID,
    rwsloop.LWS_CALLBACK_ADD_POLL_FD,
    rwsloop.LWS_CALLBACK_DEL_POLL_FD,
    rwsloop.LWS_CALLBACK_CHANGE_MODE_POLL_FD,
    rwsloop.LWS_CALLBACK_LOCK_POLL,
    rwsloop.LWS_CALLBACK_UNLOCK_POLL,
    rwsloop.LWS_CALLBACK_WSI_CREATE,
    rwsloop.LWS_CALLBACK_WSI_DESTROY,
}


class Recorder:
    """Protocol callbacks that append (protocol, reason name) to ``events``."""

    def __init__(self):
        self.events = []
        self.raw = []

    def callback_for(self, name, extra=None):
        def cb(wsi, reason, user, in_, len_):
            self.raw.append((name, reason, wsi, user, in_, len_))
            if reason not in NOISE:
                self.events.append((name, reason.name))
            if extra is not None:
                return extra(wsi, reason, user, in_, len_)
            return 0

        return cb

    def protocols(self, *names):
        return [rwsloop.Protocol(n, self.callback_for(n)) for n in names]

    def count(self, reason_name, proto=None):
        return sum(1 for p, r in self.events if r == reason_name and (proto is None or p == proto))

    def clear(self):
        self.events.clear()
        self.raw.clear()
