# Benchmarks (bench/): the same lws-API C sources built against rwsloop,
# real lws 4.3.5 (.oracle/) and real lws 4.1.6 (system), next to a
# hand-written epoll echo server and our own load generator.
#
#   make bench              every figure, interleaved runs (a few minutes);
#                           prints the table, writes bench/results/latest.md
#   make bench BENCH_QUICK=1   the same with smaller parameters (< 1 minute)
#   make bench-check        smoke mode: checks only that every figure runs
#                           and the table is well formed (no timing limits)
#   make bench-build        just the binaries, under build/bench/
#
# Benchmarks are never timed assertions; see bench/README.md.

BENCH_DIR := $(TOP)/bench
BENCH_OUT := $(BUILD)/bench
BENCH_CC ?= $(CC)
BENCH_CFLAGS := -std=gnu11 -O2 -g -pthread -Wall -Wextra -Werror
BENCH_LWS_PROGS := echo_server idle timers cancel
BENCH_REF_PROGS := epoll_echo loadgen bare
BENCH_IMPLS := rwsloop lws43 lws41
BENCH_LIB_STAMP := $(BENCH_OUT)/.rwsloop-lib
BENCH_PY ?= python3

BENCH_BINS := \
	$(foreach i,$(BENCH_IMPLS),$(addprefix $(BENCH_OUT)/$(i)/,$(BENCH_LWS_PROGS))) \
	$(addprefix $(BENCH_OUT)/ref/,$(BENCH_REF_PROGS))

.PHONY: bench bench-build bench-check bench-oracle

bench-oracle:
	@test -f $(ORACLE43_INC)/libwebsockets.h || bash $(TOP)/tools/fetch-oracle.sh
	@test -f /usr/include/libwebsockets.h || { \
		echo "bench: lws 4.1.6 headers missing: apt-get install libwebsockets-dev (or make deps)"; \
		exit 1; }

# Relink the rwsloop builds only when cargo produced a newer library.
$(BENCH_LIB_STAMP): lib
	@mkdir -p $(@D)
	@if [ ! -e $@ ] || [ $(SO_BUILD) -nt $@ ]; then touch $@; fi

$(BENCH_OUT)/rwsloop/%: $(BENCH_DIR)/%.c $(BENCH_DIR)/bench_util.h $(wildcard $(TOP)/include/*.h) $(BENCH_LIB_STAMP)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -I$(TOP)/include -o $@ $< \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop

$(BENCH_OUT)/lws43/%: $(BENCH_DIR)/%.c $(BENCH_DIR)/bench_util.h | bench-oracle
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -isystem $(ORACLE43_INC) -o $@ $< \
		-L$(ORACLE43_LIB) -Wl,-rpath,$(ORACLE43_LIB) -lwebsockets

$(BENCH_OUT)/lws41/%: $(BENCH_DIR)/%.c $(BENCH_DIR)/bench_util.h | bench-oracle
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $< -lwebsockets

$(BENCH_OUT)/ref/%: $(BENCH_DIR)/%.c $(BENCH_DIR)/bench_util.h
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

bench-build: $(BENCH_BINS)

bench: bench-build
	$(BENCH_PY) $(BENCH_DIR)/run.py --bin $(BENCH_OUT) \
		--out $(BENCH_DIR)/results/latest.md $(if $(BENCH_QUICK),--quick)

# For `make check`: the smallest configuration, then the table's shape.
bench-check: bench-build
	@tmp=$$(mktemp -d); \
	$(BENCH_PY) $(BENCH_DIR)/run.py --bin $(BENCH_OUT) --smoke \
		--out $$tmp/table.md >$$tmp/log 2>&1; rc=$$?; \
	if [ $$rc -ne 0 ]; then cat $$tmp/log; rm -rf $$tmp; \
		echo "bench-check: run.py --smoke failed ($$rc)"; exit 1; fi; \
	$(BENCH_PY) $(BENCH_DIR)/check_table.py $$tmp/table.md; rc=$$?; \
	if [ $$rc -ne 0 ]; then cat $$tmp/log; fi; rm -rf $$tmp; exit $$rc

CHECK_TARGETS += bench-check
