# Benchmarks (bench/): the same lws-API C sources built against rwsloop,
# real lws 4.3.5 (.oracle/) and real lws 4.1.6 (system), next to a
# hand-written epoll echo server and our own load generator.
#
#   make bench              every figure, interleaved runs (a few minutes);
#                           prints the table, writes bench/results/latest.md
#   make bench BENCH_QUICK=1   the same with smaller parameters (< 1 minute)
#   make bench-check        smoke mode: checks only that every figure runs
#                           and the table is well formed (no timing limits)
#   make bench-build        just the binaries, under build/bench/, and the
#                           foreign-loop plugins figure 8 loads
#
# Benchmarks are never timed assertions; see bench/README.md.

BENCH_DIR := $(TOP)/bench
BENCH_OUT := $(BUILD)/bench
BENCH_CC ?= $(CC)
BENCH_CFLAGS := -std=gnu11 -O2 -g -pthread -Wall -Wextra -Werror
BENCH_LWS_PROGS := echo_server idle timers cancel
BENCH_REF_PROGS := epoll_echo loadgen bare
BENCH_IMPLS := rwsloop lws43 lws41
BENCH_HDRS := $(wildcard $(BENCH_DIR)/*.h)
BENCH_LIB_STAMP := $(BENCH_OUT)/.rwsloop-lib
BENCH_PY ?= python3

# Figure 8: bench/foreign_echo.c built once per loop library, each binary
# linking only its own (foreign_echo_<loop>).
BENCH_LOOPS := uv event ev glib sdevent
BENCH_LWS_PROGS += $(addprefix foreign_echo_,$(BENCH_LOOPS))
BENCH_LOOP_PKG_uv := libuv
BENCH_LOOP_PKG_event := libevent
BENCH_LOOP_PKG_glib := glib-2.0
BENCH_LOOP_PKG_sdevent := libsystemd
# compile and link flags for loop $(1) (libev has no .pc file)
bench_loop_flags = $(if $(filter ev,$(1)),-lev,$$(pkg-config --cflags --libs $(BENCH_LOOP_PKG_$(1))))

# The rwsloop plugins figure 8 loads (from beside librwsloop.so). Their
# targets belong to the plugins' makefiles (mk/foreign.mk; before it,
# mk/evlib*.mk): every name here that some makefile defines is built, the
# others are skipped (a backend whose plugin is missing then shows as
# failed, with the reason, in the table).
BENCH_PLUGIN_TARGETS ?= foreign-plugins evlib-uv evlib-event evlib2-plugins
# uloop is optional: its row runs only when the plugin is there (libubox is
# in no Debian release; mk/uloop.mk builds one under .tools/). Where the
# plugin exists, bench-plugins rebuilds it with the first of these targets
# that exists (a failure leaves the old one) and builds foreign_echo_uloop
# against the same libubox.
BENCH_ULOOP_TARGETS ?= foreign-plugin-uloop evlib-uloop
BENCH_ULOOP_PLUGIN := $(LIBDIR_BUILD)/librwsloop-evlib_uloop.so
BENCH_LIBUBOX = $(or $(LIBUBOX_PREFIX),/usr)

BENCH_BINS := \
	$(foreach i,$(BENCH_IMPLS),$(addprefix $(BENCH_OUT)/$(i)/,$(BENCH_LWS_PROGS))) \
	$(addprefix $(BENCH_OUT)/ref/,$(BENCH_REF_PROGS))

.PHONY: bench bench-build bench-check bench-oracle bench-plugins bench-loop-deps

bench-oracle:
	@test -f $(ORACLE43_INC)/libwebsockets.h || bash $(TOP)/tools/fetch-oracle.sh
	@test -f /usr/include/libwebsockets.h || { \
		echo "bench: lws 4.1.6 headers missing: apt-get install libwebsockets-dev (or make deps)"; \
		exit 1; }

bench-loop-deps:
	@test -f /usr/include/ev.h || { \
		echo "bench: libev's header is missing (apt-get install libev-dev, or make deps)"; exit 1; }
	@for p in $(foreach l,$(BENCH_LOOPS),$(BENCH_LOOP_PKG_$(l))); do \
		pkg-config --exists $$p || { \
			echo "bench: pkg-config cannot find $$p (make deps)"; exit 1; }; \
	done

# `make -q` exits 2 when there is no rule for the target.
bench_has_target = { $(MAKE) --no-print-directory -q $(1) >/dev/null 2>&1; [ $$? -ne 2 ]; }

bench-plugins: lib
	@built=; for t in $(BENCH_PLUGIN_TARGETS); do \
		$(call bench_has_target,$$t) || continue; \
		$(MAKE) --no-print-directory $$t || exit 1; built="$$built $$t"; \
	done; \
	[ -n "$$built" ] || echo "bench: none of $(BENCH_PLUGIN_TARGETS) is a make target;" \
		"figure 8 uses the plugins there are"
	@if [ -e $(BENCH_ULOOP_PLUGIN) ]; then \
		for t in $(BENCH_ULOOP_TARGETS); do \
			$(call bench_has_target,$$t) || continue; \
			$(MAKE) --no-print-directory $$t || \
				echo "bench: $$t failed; figure 8 uses the uloop plugin there is"; \
			break; \
		done; \
		$(MAKE) --no-print-directory $(BENCH_OUT)/rwsloop/foreign_echo_uloop || \
			echo "bench: foreign_echo_uloop not built; figure 8's uloop row says so"; \
	fi

# Relink the rwsloop builds only when cargo produced a newer library.
$(BENCH_LIB_STAMP): lib
	@mkdir -p $(@D)
	@if [ ! -e $@ ] || [ $(SO_BUILD) -nt $@ ]; then touch $@; fi

$(BENCH_OUT)/rwsloop/%: $(BENCH_DIR)/%.c $(BENCH_HDRS) $(wildcard $(TOP)/include/*.h) $(BENCH_LIB_STAMP)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -I$(TOP)/include -o $@ $< \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop

$(BENCH_OUT)/lws43/%: $(BENCH_DIR)/%.c $(BENCH_HDRS) | bench-oracle
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -isystem $(ORACLE43_INC) -o $@ $< \
		-L$(ORACLE43_LIB) -Wl,-rpath,$(ORACLE43_LIB) -lwebsockets

$(BENCH_OUT)/lws41/%: $(BENCH_DIR)/%.c $(BENCH_HDRS) | bench-oracle
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $< -lwebsockets

# foreign_echo_<loop> (the shorter stem wins over the rules above)
$(BENCH_OUT)/rwsloop/foreign_echo_%: $(BENCH_DIR)/foreign_echo.c $(BENCH_HDRS) \
		$(wildcard $(TOP)/include/*.h) $(BENCH_LIB_STAMP) | bench-loop-deps
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -DBENCH_LOOP_$* -I$(TOP)/include -o $@ $< \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop $(call bench_loop_flags,$*)

$(BENCH_OUT)/lws43/foreign_echo_%: $(BENCH_DIR)/foreign_echo.c $(BENCH_HDRS) \
		| bench-oracle bench-loop-deps
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -DBENCH_LOOP_$* -isystem $(ORACLE43_INC) -o $@ $< \
		-L$(ORACLE43_LIB) -Wl,-rpath,$(ORACLE43_LIB) -lwebsockets $(call bench_loop_flags,$*)

$(BENCH_OUT)/lws41/foreign_echo_%: $(BENCH_DIR)/foreign_echo.c $(BENCH_HDRS) \
		| bench-oracle bench-loop-deps
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -DBENCH_LOOP_$* -o $@ $< -lwebsockets $(call bench_loop_flags,$*)

# The program links libubox itself, so the plugin's libubox is the same
# instance (uloop is one loop per process).
$(BENCH_OUT)/rwsloop/foreign_echo_uloop: $(BENCH_DIR)/foreign_echo.c $(BENCH_HDRS) \
		$(wildcard $(TOP)/include/*.h) $(BENCH_LIB_STAMP)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -DBENCH_LOOP_uloop -I$(TOP)/include \
		-I$(BENCH_LIBUBOX)/include -o $@ $< \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop \
		-L$(BENCH_LIBUBOX)/lib -Wl,-rpath,$(BENCH_LIBUBOX)/lib -lubox

$(BENCH_OUT)/ref/%: $(BENCH_DIR)/%.c $(BENCH_HDRS)
	@mkdir -p $(@D)
	$(BENCH_CC) $(BENCH_CFLAGS) -o $@ $<

bench-build: $(BENCH_BINS) bench-plugins

# --libdir: where the rwsloop plugins are; --oracle-lib: the lws 4.3.5
# plugins, bind-mounted over the fixed path Debian's lws loads them from.
BENCH_RUN = $(BENCH_PY) $(BENCH_DIR)/run.py --bin $(BENCH_OUT) \
	--libdir $(LIBDIR_BUILD) --oracle-lib $(ORACLE43_LIB)

bench: bench-build
	$(BENCH_RUN) --out $(BENCH_DIR)/results/latest.md $(if $(BENCH_QUICK),--quick)

# For `make check`: the smallest configuration, then the table's shape.
bench-check: bench-build
	@tmp=$$(mktemp -d); \
	$(BENCH_RUN) --smoke --out $$tmp/table.md >$$tmp/log 2>&1; rc=$$?; \
	if [ $$rc -ne 0 ]; then cat $$tmp/log; rm -rf $$tmp; \
		echo "bench-check: run.py --smoke failed ($$rc)"; exit 1; fi; \
	$(BENCH_PY) $(BENCH_DIR)/check_table.py $$tmp/table.md; rc=$$?; \
	if [ $$rc -ne 0 ]; then cat $$tmp/log; fi; rm -rf $$tmp; exit $$rc

CHECK_TARGETS += bench-check
