# Extra targets for the stress and idle tests of capi-tests/ (test-stress*.c,
# test-idle*.c, stress-util.[ch]; registry test-list-stress.h). The tests
# themselves run in every capi-* run (mk/capi.mk); these add:
#
#   make capi-tsan         the stress tests built with clang-14's
#                          ThreadSanitizer against target/release/librwsloop.so,
#                          running the multi-threaded ones (cancel from 8
#                          threads and a signal handler; client threads)
#   make capi-stress-19000 the manual test: 19,000 simultaneous connections
#                          (needs a hard RLIMIT_NOFILE >= 19,500)
#
# What the TSan run covers: librwsloop is Rust built without TSan, so its
# own memory accesses are invisible to the race detector (TSan still sees
# the libc and pthread calls it makes, through its interceptors). What is
# checked is everything instrumented: the test code and every protocol and
# sul callback, which the library calls. A callback run on a thread other
# than the service thread, or concurrently with it, shows up as a race on
# the test's data; so do races in the test's own cross-thread counting.
# The cancel test leaves out its signal-handler part here: TSan defers a
# signal to its next interceptor, which the service thread, looping in
# uninstrumented code, may not reach for a long time (seen: one signal of
# 14,404 never handled in 120 s). The ASan and valgrind runs cover it.
#
# The binary is built from a private copy of the runner and the stress
# sources with a test-list.h that includes only test-list-stress.h, so it
# does not depend on the other areas' tests (or their libraries).

CAPI_TSAN_CC ?= clang-14
CAPI_TSAN_DIR := $(CAPI_OUT)/tsan
CAPI_TSAN_CORE := runner.c loop.c loop.h trace.c trace.h task.h \
	stress-util.c stress-util.h test-list-stress.h
CAPI_TSAN_SRCS := $(addprefix $(CAPI_DIR)/,$(CAPI_TSAN_CORE)) \
	$(wildcard $(CAPI_DIR)/test-stress*.c $(CAPI_DIR)/test-idle*.c)
CAPI_TSAN_OPTIONS := halt_on_error=1:second_deadlock_stack=1
CAPI_TSAN_TESTS := 'stress_cancel_*' 'stress_conn_*'

.PHONY: capi-tsan capi-stress-19000

$(CAPI_TSAN_DIR)/capi-tests: $(CAPI_TSAN_SRCS) $(CAPI_RWSLOOP_INC) $(CAPI_LIB_STAMP)
	@command -v $(CAPI_TSAN_CC) >/dev/null || { echo "capi-tsan: $(CAPI_TSAN_CC) is not installed"; exit 1; }
	@rm -rf $(@D)/src && mkdir -p $(@D)/src
	@cp $(CAPI_TSAN_SRCS) $(@D)/src/
	@echo '#include "test-list-stress.h"' > $(@D)/src/test-list.h
	$(CAPI_TSAN_CC) $(CAPI_CFLAGS) -fsanitize=thread -DCAPI_IMPL_RWSLOOP \
		-I$(TOP)/include -o $@ $(@D)/src/*.c \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop

capi-tsan: $(CAPI_TSAN_DIR)/capi-tests
	@fail=0; for be in $(CAPI_BACKENDS); do \
		RWSLOOP_BACKEND=$$be TSAN_OPTIONS=$(CAPI_TSAN_OPTIONS) \
			$(CAPI_TSAN_DIR)/capi-tests $(CAPI_TSAN_TESTS) || fail=1; \
	done; \
	if [ $$fail != 0 ]; then echo "capi-tsan: FAILED"; exit 1; fi; \
	echo "capi-tsan: ok (ThreadSanitizer on the test side, backends: $(CAPI_BACKENDS))"

capi-stress-19000: $(CAPI_OUT)/rwsloop/capi-tests
	ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS) \
		$(CAPI_OUT)/rwsloop/capi-tests -v stress_conn_19000

CHECK_TARGETS += capi-tsan
