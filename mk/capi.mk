# C API tests (capi-tests/): the same C sources built against rwsloop and
# against the real libwebsockets, run, and their callback traces compared.
#
#   make capi-build        build/capi/{rwsloop,rwsloop-nosan,lws43,lws41}/capi-tests
#   make capi-test-oracle  the harness self-check, then the suite against the
#                          real lws 4.3.5 (.oracle/) and 4.1.6 (system)
#   make capi-test         the suite against rwsloop with ASan+UBSan+LSan,
#                          once per backend (RWSLOOP_BACKEND=epoll, poll)
#   make capi-diff         the two above, then traces: rwsloop (each backend)
#                          must equal lws 4.3.5; lws 4.1.6 must equal 4.3.5
#                          for the tests flagged agrees41
#   make capi-diff-only    just the comparison, on the traces already there
#   make capi-valgrind     rwsloop build without sanitizers, under valgrind
#
# One test, verbosely:  build/capi/lws43/capi-tests -v 'sul_*'
# List with flags:      build/capi/lws43/capi-tests --list
# LeakSanitizer does not work under ptrace: run capi-test outside strace/gdb.

CAPI_DIR := $(TOP)/capi-tests
CAPI_OUT := $(BUILD)/capi
# The foreign-loop tests (test-foreign-*.c and their headers) have a runner
# of their own, which alone links the loop libraries: mk/foreign.mk.
CAPI_FOREIGN_FILES := $(CAPI_DIR)/test-foreign-% $(CAPI_DIR)/test-list-foreign-% \
	$(CAPI_DIR)/foreign-suite%
CAPI_SRCS := $(filter-out $(CAPI_FOREIGN_FILES),$(wildcard $(CAPI_DIR)/*.c))
CAPI_HDRS := $(filter-out $(CAPI_FOREIGN_FILES),$(wildcard $(CAPI_DIR)/*.h))
CAPI_CC ?= $(CC)
CAPI_CFLAGS := -std=gnu11 -g -O1 -pthread -Wall -Wextra -Werror
CAPI_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	-fno-omit-frame-pointer
CAPI_ASAN_OPTIONS := detect_leaks=1:halt_on_error=1:abort_on_error=0:detect_stack_use_after_return=1:strict_init_order=1
CAPI_UBSAN_OPTIONS := halt_on_error=1:print_stacktrace=1
CAPI_BACKENDS := epoll poll
CAPI_VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full
# Wall-clock bounds inside tests and per-test timeouts are multiplied by this
# under valgrind.
CAPI_VALGRIND_MULT := 10

CAPI_RWSLOOP_INC := $(wildcard $(TOP)/include/*.h)
CAPI_LIB_STAMP := $(CAPI_OUT)/.rwsloop-lib

# The harness self-check: these outcomes, exactly.
CAPI_SELFTESTS := harness_pass harness_fail_int harness_fail_str \
	harness_crash harness_hang harness_skip
CAPI_SELFTEST_SUMMARY := 1 passed, 4 failed, 1 skipped

.PHONY: capi-build capi-test-oracle capi-test capi-diff capi-diff-only \
	capi-valgrind capi-oracle capi-list-check capi-selftest

capi-oracle:
	@test -f $(ORACLE43_INC)/libwebsockets.h || bash $(TOP)/tools/fetch-oracle.sh
	@test -f /usr/include/libwebsockets.h || { \
		echo "capi: lws 4.1.6 headers missing: apt-get install libwebsockets-dev (or make deps)"; \
		exit 1; }

# Touched whenever cargo produced a newer library, so the rwsloop builds
# relink only then (lib itself always runs: cargo decides).
$(CAPI_LIB_STAMP): lib
	@mkdir -p $(@D)
	@if [ ! -e $@ ] || [ $(SO_BUILD) -nt $@ ]; then touch $@; fi

$(CAPI_OUT)/rwsloop/capi-tests: $(CAPI_SRCS) $(CAPI_HDRS) $(CAPI_RWSLOOP_INC) $(CAPI_LIB_STAMP)
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) $(CAPI_SAN) -DCAPI_IMPL_RWSLOOP -I$(TOP)/include \
		-o $@ $(CAPI_SRCS) -L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop

$(CAPI_OUT)/rwsloop-nosan/capi-tests: $(CAPI_SRCS) $(CAPI_HDRS) $(CAPI_RWSLOOP_INC) $(CAPI_LIB_STAMP)
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) -DCAPI_IMPL_RWSLOOP -I$(TOP)/include \
		-o $@ $(CAPI_SRCS) -L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop

$(CAPI_OUT)/lws43/capi-tests: $(CAPI_SRCS) $(CAPI_HDRS) | capi-oracle
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) -DCAPI_IMPL_LWS43 -isystem $(ORACLE43_INC) \
		-o $@ $(CAPI_SRCS) -L$(ORACLE43_LIB) -Wl,-rpath,$(ORACLE43_LIB) -lwebsockets

$(CAPI_OUT)/lws41/capi-tests: $(CAPI_SRCS) $(CAPI_HDRS) | capi-oracle
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) -DCAPI_IMPL_LWS41 \
		-o $@ $(CAPI_SRCS) -lwebsockets

capi-build: $(CAPI_OUT)/rwsloop/capi-tests $(CAPI_OUT)/rwsloop-nosan/capi-tests \
	$(CAPI_OUT)/lws43/capi-tests $(CAPI_OUT)/lws41/capi-tests

# Every CAPI_TEST(...) in the sources is listed in test-list.h, and back:
# an unlisted test would silently never run. (The foreign runner checks its
# own: foreign-list-check.)
capi-list-check:
	@defined=$$(sed -n 's/^CAPI_TEST(\([A-Za-z0-9_]*\).*/\1/p' \
		$(filter $(CAPI_DIR)/test-%,$(CAPI_SRCS)) | sort); \
	listed=$$(sed -n 's/^X(\([A-Za-z0-9_]*\))$$/\1/p' \
		$(filter $(CAPI_DIR)/test-list%,$(CAPI_HDRS)) | sort); \
	if [ "$$defined" != "$$listed" ]; then \
		echo "capi: CAPI_TEST definitions and test-list.h disagree (< defined, > listed):"; \
		diff <(echo "$$defined") <(echo "$$listed"); exit 1; fi; \
	echo "capi-list-check: $$(echo "$$listed" | wc -l) tests, all listed"

# The runner must tell a pass, an assertion, a crash, a hang and a skip apart.
capi-selftest: $(CAPI_OUT)/lws43/capi-tests
	@out=$$($(CAPI_OUT)/lws43/capi-tests $(CAPI_SELFTESTS)); rc=$$?; \
	last=$$(echo "$$out" | tail -n 1); \
	if [ $$rc -ne 1 ] || [ "$$last" != "$(CAPI_SELFTEST_SUMMARY)" ]; then \
		echo "$$out"; \
		echo "capi-selftest: expected exit 1 and '$(CAPI_SELFTEST_SUMMARY)', got $$rc and '$$last'"; \
		exit 1; fi; \
	echo "capi-selftest: ok ($$last, as expected)"

# $(1): label (trace directory name), $(2): binary, $(3): extra environment
define capi_run
	rm -rf $(CAPI_OUT)/traces/$(1) && mkdir -p $(CAPI_OUT)/traces/$(1) && \
	env CAPI_TRACE_DIR=$(CAPI_OUT)/traces/$(1) $(3) $(2)
endef

capi-test-oracle: capi-list-check capi-selftest $(CAPI_OUT)/lws43/capi-tests $(CAPI_OUT)/lws41/capi-tests
	@fail=0; \
	$(call capi_run,lws43,$(CAPI_OUT)/lws43/capi-tests,) || fail=1; \
	$(call capi_run,lws41,$(CAPI_OUT)/lws41/capi-tests,) || fail=1; \
	if [ $$fail != 0 ]; then echo "capi-test-oracle: FAILED"; exit 1; fi; \
	echo "capi-test-oracle: ok (real lws 4.3.5 and 4.1.6)"

# $(1): label, $(2): command running the runner on harness_leak alone
define capi_leak_check
	@out=$$($(2) harness_leak 2>&1); rc=$$?; \
	if [ $$rc -ne 1 ] || [ "$$(echo "$$out" | tail -n 1)" != "0 passed, 1 failed, 0 skipped" ]; then \
		echo "$$out"; echo "$(1): the leak checker did not catch harness_leak (under ptrace?)"; \
		exit 1; fi; echo "$(1): leak checker is active (harness_leak caught)"
endef

capi-test: capi-list-check $(CAPI_OUT)/rwsloop/capi-tests
	$(call capi_leak_check,capi-test,ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) $(CAPI_OUT)/rwsloop/capi-tests)
	@fail=0; for be in $(CAPI_BACKENDS); do \
		$(call capi_run,rwsloop-$$be,$(CAPI_OUT)/rwsloop/capi-tests,RWSLOOP_BACKEND=$$be \
			ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS)) || fail=1; \
	done; \
	if [ $$fail != 0 ]; then echo "capi-test: FAILED"; exit 1; fi; \
	echo "capi-test: ok (rwsloop, backends: $(CAPI_BACKENDS))"

CAPI_DIFF = bash $(CAPI_DIR)/trace-diff.sh $(CAPI_OUT)/lws43/capi-tests \
	$(CAPI_OUT)/traces $(CAPI_BACKENDS)

capi-diff-only: $(CAPI_OUT)/lws43/capi-tests
	@$(CAPI_DIFF)

capi-diff: capi-test-oracle capi-test
	@$(CAPI_DIFF)

capi-valgrind: $(CAPI_OUT)/rwsloop-nosan/capi-tests
	@command -v valgrind >/dev/null || { echo "capi-valgrind: valgrind is not installed"; exit 1; }
	$(call capi_leak_check,capi-valgrind,$(CAPI_VALGRIND) $(CAPI_OUT)/rwsloop-nosan/capi-tests)
	CAPI_TIMEOUT_MULT=$(CAPI_VALGRIND_MULT) $(CAPI_VALGRIND) $(CAPI_OUT)/rwsloop-nosan/capi-tests

CHECK_TARGETS += capi-test-oracle capi-test capi-diff capi-valgrind
