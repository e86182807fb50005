# Foreign loops: the plugins that host rwsloop on an application's libuv,
# libevent, libev, glib, sd-event or uloop loop (plugins/<name>, each a
# Rust crate and workspace of its own, built into
# librwsloop-evlib_<name>.so beside librwsloop.so, where the library looks
# for it), their tests and their examples. librwsloop.so itself links none
# of these libraries. (uloop's library, libubox, and the build of its
# plugin are in mk/uloop.mk.)
#
#   make foreign-plugins      build every plugin, copy it beside librwsloop.so
#   make check-foreign        lint the plugin crates, check NEEDED entries,
#                             build and run c-examples/foreign-<name>.c, then
#                             the foreign runner: the one suite
#                             (capi-tests/foreign-suite*.h) on every backend,
#                             ASan+UBSan+LSan, G_DEBUG=fatal-criticals
#   make check-foreign-valgrind  the same runner built without sanitizers,
#                             every test under valgrind (definite leaks
#                             are errors; about two minutes)
#   make foreign-runner       only build build/foreign/rwsloop/capi-tests;
#                             run one test: build/foreign/rwsloop/capi-tests
#                             -v foreign_glib_cancel
#   make install-foreign-plugins / uninstall-foreign-plugins
#                             (install-plugins runs them, mk/plugins.mk)
#   make check-foreign-lws    root: the suite on libuv, libev and glib
#                             against real lws 4.3.5 too; rwsloop's callback
#                             traces must equal lws's (skips, saying why,
#                             without root or unshare)
#   make foreign-oracle       by hand, root: the libev and glib tests against
#                             real lws 4.3.5 (informative: it fails several)
#   make compare-evlib-uv     by hand, root: the libuv tests' callback traces
#                             against real lws 4.3.5 and 4.1.6
#
# The normal capi builds (mk/capi.mk) leave capi-tests/test-foreign-*.c out:
# only this runner links the loop libraries. It is built from a staged copy
# of the runner, the suite and the backend files with a generated
# test-list.h that includes test-list-foreign-<name>.h for each backend.

# The backends, each with plugins/<name>, capi-tests/test-foreign-<name>.c,
# capi-tests/test-list-foreign-<name>.h and c-examples/foreign-<name>.c.
# libevent before libev: see FOREIGN_ALL_LIBS.
FOREIGN_BACKENDS := uv event ev glib sdevent uloop

# Other test files of this runner that are not a backend's: for each x,
# capi-tests/test-foreign-<x>.c and test-list-foreign-<x>.h, built with
# every backend's libraries and -DRWSLOOP_CAPI_FOREIGN
# -DRWSLOOP_CAPI_FOREIGN_UV_EVENT (signal: the signal watchers of each
# backend).
FOREIGN_EXTRA := signal

# Per backend: pkg-config module (or FOREIGN_CFLAGS_/FOREIGN_LIBS_), the
# Debian package to install, and the library its plugin must NEED.
FOREIGN_PKG_uv := libuv
FOREIGN_PKG_event := libevent
FOREIGN_PKG_glib := glib-2.0
FOREIGN_PKG_sdevent := libsystemd
FOREIGN_LIBS_ev := -lev
FOREIGN_DEB_uv := libuv1-dev
FOREIGN_DEB_event := libevent-dev
FOREIGN_DEB_ev := libev-dev
FOREIGN_DEB_glib := libglib2.0-dev
FOREIGN_DEB_sdevent := libsystemd-dev
FOREIGN_NEEDED_uv := libuv
FOREIGN_NEEDED_event := libevent
FOREIGN_NEEDED_ev := libev
FOREIGN_NEEDED_glib := libglib-2.0
FOREIGN_NEEDED_sdevent := libsystemd
# uloop: libubox is built into $(LIBUBOX_PREFIX) by mk/uloop.mk, which also
# builds the plugin (its crate finds libubox through RWSLOOP_LIBUBOX_DIR).
FOREIGN_CFLAGS_uloop = -I$(LIBUBOX_PREFIX)/include
FOREIGN_LIBS_uloop = -L$(LIBUBOX_PREFIX)/lib -Wl,-rpath,$(LIBUBOX_PREFIX)/lib -lubox
FOREIGN_CARGO_ENV_uloop = RWSLOOP_LIBUBOX_DIR=$(LIBUBOX_PREFIX)
FOREIGN_NEEDED_uloop := libubox
foreign-deps-uloop: libubox ;
foreign-plugin-uloop: evlib-uloop ;

FOREIGN_OUT := $(BUILD)/foreign
FOREIGN_TARGET_DIR := $(TOP)/target/plugins
foreign_file = librwsloop-evlib_$(1).so
# compile and link flags of one backend (pkg-config runs in the recipe)
foreign_cflags = $(FOREIGN_CFLAGS_$(1)) \
	$(if $(FOREIGN_PKG_$(1)),$$(pkg-config --cflags $(FOREIGN_PKG_$(1))))
foreign_libs = $(FOREIGN_LIBS_$(1)) \
	$(if $(FOREIGN_PKG_$(1)),$$(pkg-config --libs $(FOREIGN_PKG_$(1))))
FOREIGN_ENV = env -u RWSLOOP_EVLIB_DIR G_DEBUG=fatal-criticals \
	ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS)
FOREIGN_VALGRIND := valgrind -q --error-exitcode=1 --leak-check=full \
	--errors-for-leak-kinds=definite --show-leak-kinds=definite
FOREIGN_VALGRIND_ENV = env -u RWSLOOP_EVLIB_DIR G_SLICE=always-malloc \
	G_DEBUG=fatal-criticals CAPI_TIMEOUT_MULT=$(CAPI_VALGRIND_MULT)

.PHONY: foreign-deps foreign-plugins foreign-lint foreign-needed \
	foreign-examples foreign-list-check foreign-runner check-foreign \
	check-foreign-valgrind install-foreign-plugins \
	uninstall-foreign-plugins foreign-oracle compare-evlib-uv \
	check-foreign-lws foreign-lws-builds

# ---- the loop libraries and the plugins ----

foreign-deps: $(addprefix foreign-deps-,$(FOREIGN_BACKENDS))

# A backend's library must be there: fail early, saying what to install.
foreign-deps-%:
	@if [ -n "$(FOREIGN_PKG_$*)" ]; then \
		pkg-config --exists $(FOREIGN_PKG_$*); \
	else \
		echo 'int main(void) { return 0; }' | $(CAPI_CC) -x c - -o /dev/null \
			$(FOREIGN_LIBS_$*) 2>/dev/null; \
	fi || { echo "foreign: the $* library is missing (apt-get install $(FOREIGN_DEB_$*), or make deps)"; \
		exit 1; }

# Copied, not linked, and replaced atomically (a running program may have
# the old file mapped).
foreign-plugin-%: lib foreign-deps-%
	$(FOREIGN_CARGO_ENV_$*) CARGO_TARGET_DIR=$(FOREIGN_TARGET_DIR) RWSLOOP_LIB_DIR=$(LIBDIR_BUILD) \
		$(CARGO) build --release $(CARGOFLAGS) --manifest-path $(TOP)/plugins/$*/Cargo.toml
	@cp -f $(FOREIGN_TARGET_DIR)/release/librwsloop_evlib_$*.so \
		$(LIBDIR_BUILD)/.$(call foreign_file,$*).tmp
	@mv -f $(LIBDIR_BUILD)/.$(call foreign_file,$*).tmp \
		$(LIBDIR_BUILD)/$(call foreign_file,$*)

foreign-plugins: $(addprefix foreign-plugin-,$(FOREIGN_BACKENDS))

# The plugin crates are workspaces of their own: `make fmt` and `make
# clippy` do not reach them.
define foreign_lint_one
	(cd $(TOP)/plugins/$(1) && $(CARGO) fmt -- --check) && \
	$(FOREIGN_CARGO_ENV_$(1)) CARGO_TARGET_DIR=$(FOREIGN_TARGET_DIR) \
		RWSLOOP_LIB_DIR=$(LIBDIR_BUILD) $(CARGO) clippy --release $(CARGOFLAGS) \
		--manifest-path $(TOP)/plugins/$(1)/Cargo.toml -- -D warnings &&
endef

foreign-lint: lib foreign-deps
	@$(foreach b,$(FOREIGN_BACKENDS),$(call foreign_lint_one,$(b))) true

# Each plugin needs librwsloop.so.0 and its loop library; librwsloop.so
# needs none of the loop libraries.
FOREIGN_EMPTY :=
FOREIGN_SPACE := $(FOREIGN_EMPTY) $(FOREIGN_EMPTY)
FOREIGN_LOOP_LIBS_RE = $(subst $(FOREIGN_SPACE),|,$(strip \
	$(foreach b,$(FOREIGN_BACKENDS),$(FOREIGN_NEEDED_$(b)))))
define foreign_check_needed
	needed=$$(readelf -d $(LIBDIR_BUILD)/$(call foreign_file,$(1)) | \
		sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); \
	echo "$$needed" | grep -qx 'librwsloop\.so\.0' || { \
		echo "foreign: $(call foreign_file,$(1)) does not need librwsloop.so.0"; exit 1; }; \
	echo "$$needed" | grep -q '^$(FOREIGN_NEEDED_$(1))[-.]' || { \
		echo "foreign: $(call foreign_file,$(1)) does not need $(FOREIGN_NEEDED_$(1))"; exit 1; };
endef

foreign-needed: foreign-plugins
	@$(foreach b,$(FOREIGN_BACKENDS),$(call foreign_check_needed,$(b)))
	@if readelf -d $(SO_BUILD) | grep -E '\(NEEDED\).*\[($(FOREIGN_LOOP_LIBS_RE))[-.]'; then \
		echo "foreign: librwsloop.so links a loop library itself"; exit 1; fi
	@echo "foreign-needed: ok ($(FOREIGN_BACKENDS))"

# ---- c-examples/foreign-<name>.c: each must exit 0 by itself ----

$(FOREIGN_OUT)/example-%: $(TOP)/c-examples/foreign-%.c $(CAPI_RWSLOOP_INC) | lib foreign-deps-%
	@mkdir -p $(@D)
	$(CAPI_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror $(CAPI_SAN) -I$(TOP)/include \
		$(call foreign_cflags,$*) -o $@ $< \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop $(call foreign_libs,$*)

foreign-examples: foreign-plugins $(addprefix $(FOREIGN_OUT)/example-,$(FOREIGN_BACKENDS))
	@for b in $(FOREIGN_BACKENDS); do \
		$(FOREIGN_ENV) timeout 60 $(FOREIGN_OUT)/example-$$b > $(FOREIGN_OUT)/example-$$b.log 2>&1 \
			|| { cat $(FOREIGN_OUT)/example-$$b.log; \
			     echo "foreign: c-examples/foreign-$$b.c failed"; exit 1; }; \
		echo "c-examples/foreign-$$b.c: ran and exited 0 (ASan+UBSan+LSan)"; \
	done

# ---- the runner ----

# What every build of the runner has besides the backend files.
FOREIGN_CORE := runner.c trace.c task.h trace.h test-harness.c \
	foreign-suite.h foreign-suite-service.h test-list-foreign-suite.h
foreign_srcs = $(addprefix $(CAPI_DIR)/,$(FOREIGN_CORE)) \
	$(foreach b,$(1),$(CAPI_DIR)/test-foreign-$(b).c $(CAPI_DIR)/test-list-foreign-$(b).h)

# $(1): stage directory, $(2): backends. The generated test-list.h names
# the suite on each backend (and each backend's own tests), and
# harness_leak, which shows the leak checker is on.
define foreign_stage
	@mkdir -p $(1)
	@rm -f $(1)/*.c $(1)/*.h
	@cp $(call foreign_srcs,$(2)) $(1)/
	@{ echo '/* generated by mk/foreign.mk */'; \
	   echo '#include "test-list-foreign-suite.h"'; \
	   $(foreach b,$(2),echo '#include "test-list-foreign-$(b).h"';) \
	   echo 'X(harness_leak)'; } > $(1)/test-list.h
	@touch $(1)/.stamp
endef

FOREIGN_STAGE := $(FOREIGN_OUT)/capi-src
FOREIGN_RUNNER_FILES := $(FOREIGN_BACKENDS) $(FOREIGN_EXTRA)
FOREIGN_ALL_CFLAGS = -DRWSLOOP_CAPI_FOREIGN -DRWSLOOP_CAPI_FOREIGN_UV_EVENT \
	$(foreach b,$(FOREIGN_BACKENDS),$(call foreign_cflags,$(b)))
# In FOREIGN_BACKENDS order, which has libevent before libev: Debian's libev
# exports libevent's API too, and the first library that has a symbol wins.
FOREIGN_ALL_LIBS = $(foreach b,$(FOREIGN_BACKENDS),$(call foreign_libs,$(b)))

# (this file too: it says which files are staged)
$(FOREIGN_STAGE)/.stamp: $(call foreign_srcs,$(FOREIGN_RUNNER_FILES)) $(TOP)/mk/foreign.mk
	$(call foreign_stage,$(@D),$(FOREIGN_RUNNER_FILES))

# $(1): extra compiler flags (sanitizers or none)
define foreign_build_rwsloop
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) $(1) -DCAPI_IMPL_RWSLOOP -I$(TOP)/include \
		$(FOREIGN_ALL_CFLAGS) -o $@ $(FOREIGN_STAGE)/*.c \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop $(FOREIGN_ALL_LIBS)
endef

$(FOREIGN_OUT)/rwsloop/capi-tests: $(FOREIGN_STAGE)/.stamp $(CAPI_RWSLOOP_INC) \
		$(CAPI_LIB_STAMP) | foreign-deps
	$(call foreign_build_rwsloop,$(CAPI_SAN))

$(FOREIGN_OUT)/rwsloop-nosan/capi-tests: $(FOREIGN_STAGE)/.stamp $(CAPI_RWSLOOP_INC) \
		$(CAPI_LIB_STAMP) | foreign-deps
	$(call foreign_build_rwsloop,)

foreign-runner: $(FOREIGN_OUT)/rwsloop/capi-tests

# A backend file defines the suite's tests with FOREIGN_SUITE_TESTS(name)
# and its list names them with FOREIGN_SUITE_LIST(name); any test of its
# own, or of an extra file (a CAPI_TEST), is listed there as X(name), and
# back.
foreign-list-check:
	@for b in $(FOREIGN_RUNNER_FILES); do \
		src=$(CAPI_DIR)/test-foreign-$$b.c; list=$(CAPI_DIR)/test-list-foreign-$$b.h; \
		if echo " $(FOREIGN_BACKENDS) " | grep -q " $$b "; then \
			grep -qx "FOREIGN_SUITE_TESTS($$b)" $$src || { \
				echo "foreign: $$src does not say FOREIGN_SUITE_TESTS($$b)"; exit 1; }; \
			grep -qx "FOREIGN_SUITE_LIST($$b)" $$list || { \
				echo "foreign: $$list does not say FOREIGN_SUITE_LIST($$b)"; exit 1; }; \
		fi; \
		defined=$$(sed -n 's/^CAPI_TEST(\([A-Za-z0-9_]*\).*/\1/p' $$src | sort); \
		listed=$$(sed -n 's/^X(\([A-Za-z0-9_]*\))$$/\1/p' $$list | sort); \
		[ "$$defined" = "$$listed" ] || { \
			echo "foreign: the tests of $$src and $$list disagree (< defined, > listed):"; \
			diff <(echo "$$defined") <(echo "$$listed"); exit 1; }; \
	done; echo "foreign-list-check: ok ($(FOREIGN_RUNNER_FILES))"

# Every test of a runner by name, so that tests flagged CAPI_MANUAL (which
# run only when named) run too; not the harness's own.
foreign_all_tests = $$($(1) --list | cut -f 1 | grep -v '^harness_')

# RWSLOOP_EVLIB_DIR stays unset: the plugins are found beside
# librwsloop.so, as installed.
check-foreign: foreign-lint foreign-needed foreign-examples foreign-list-check \
		$(FOREIGN_OUT)/rwsloop/capi-tests
	$(call capi_leak_check,check-foreign,$(FOREIGN_ENV) $(FOREIGN_OUT)/rwsloop/capi-tests)
	$(FOREIGN_ENV) $(FOREIGN_OUT)/rwsloop/capi-tests \
		$(call foreign_all_tests,$(FOREIGN_OUT)/rwsloop/capi-tests)

check-foreign-valgrind: foreign-plugins $(FOREIGN_OUT)/rwsloop-nosan/capi-tests
	@command -v valgrind >/dev/null || { echo "check-foreign-valgrind: valgrind is not installed"; exit 1; }
	$(call capi_leak_check,check-foreign-valgrind,$(FOREIGN_VALGRIND_ENV) \
		$(FOREIGN_VALGRIND) $(FOREIGN_OUT)/rwsloop-nosan/capi-tests)
	$(FOREIGN_VALGRIND_ENV) $(FOREIGN_VALGRIND) $(FOREIGN_OUT)/rwsloop-nosan/capi-tests \
		$(call foreign_all_tests,$(FOREIGN_OUT)/rwsloop-nosan/capi-tests)

CHECK_TARGETS += check-foreign check-foreign-valgrind

# ---- install ----

install-foreign-plugins: foreign-plugins
	install -d $(DESTDIR)$(LIBDIR)
	@for b in $(FOREIGN_BACKENDS); do \
		f=librwsloop-evlib_$$b.so; \
		echo "install -m 0755 $$f $(DESTDIR)$(LIBDIR)/$$f"; \
		install -m 0755 $(LIBDIR_BUILD)/$$f $(DESTDIR)$(LIBDIR)/$$f || exit 1; \
	done

uninstall-foreign-plugins:
	rm -f $(foreach b,$(FOREIGN_BACKENDS),$(DESTDIR)$(LIBDIR)/$(call foreign_file,$(b)))

PLUGIN_INSTALL_TARGETS += install-foreign-plugins
PLUGIN_UNINSTALL_TARGETS += uninstall-foreign-plugins

# ---- against real lws (by hand, root) ----
#
# Debian's lws loads its evlib plugins from a fixed path
# (/usr/lib/x86_64-linux-gnu/libwebsockets-evlib_<name>.so, lws 4.1.6's
# here), so the 4.3.5 runs bind-mount the 4.3.5 plugins from .oracle/ over
# it in a private mount namespace (unshare -m). Informative: real lws fails
# several scenarios (plugins/ev/README.md, plugins/README.md say which).

FOREIGN_SYS_LIB := /usr/lib/x86_64-linux-gnu
FOREIGN_STAGE41 := $(FOREIGN_OUT)/capi-src-lws41

$(FOREIGN_OUT)/lws43/capi-tests: $(FOREIGN_STAGE)/.stamp | capi-oracle foreign-deps
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) -DCAPI_IMPL_LWS43 -isystem $(ORACLE43_INC) \
		$(FOREIGN_ALL_CFLAGS) -o $@ $(FOREIGN_STAGE)/*.c \
		-L$(ORACLE43_LIB) -Wl,-rpath,$(ORACLE43_LIB) -lwebsockets $(FOREIGN_ALL_LIBS)

# lws 4.1.6 has a plugin for libuv only here (and lacks some options).
$(FOREIGN_STAGE41)/.stamp: $(call foreign_srcs,uv) $(TOP)/mk/foreign.mk
	$(call foreign_stage,$(@D),uv)

$(FOREIGN_OUT)/lws41/capi-tests: $(FOREIGN_STAGE41)/.stamp | capi-oracle foreign-deps-uv
	@mkdir -p $(@D)
	$(CAPI_CC) $(CAPI_CFLAGS) -DCAPI_IMPL_LWS41 $(call foreign_cflags,uv) \
		-o $@ $(FOREIGN_STAGE41)/*.c -lwebsockets $(call foreign_libs,uv)

foreign-oracle: $(FOREIGN_OUT)/lws43/capi-tests
	-unshare -m sh -c 'mount --make-rprivate / && \
		for n in ev glib; do mount --bind $(ORACLE43_LIB)/libwebsockets-evlib_$$n.so \
			$(FOREIGN_SYS_LIB)/libwebsockets-evlib_$$n.so || exit 1; done && \
		G_DEBUG=fatal-criticals $(FOREIGN_OUT)/lws43/capi-tests "foreign_ev_*" "foreign_glib_*"'

# ---- against real lws 4.3.5, in make check (root) ----
#
# The backends Debian's lws 4.3.5 has plugins for. Every scenario real lws
# passes runs on both; the traces must be equal, but where
# foreign-suite-service.h's fs_lws_differs says why not
# (capi-tests/foreign-lws-diff.sh).
FOREIGN_LWS_BACKENDS := uv ev glib
# What real lws 4.3.5 itself fails, so it is not run against it:
# - its libev plugin on a loop of its own: lws_service does not come back
#   (the test times out after 20 s)
FOREIGN_LWS_EXCLUDE := foreign_ev_own_loop_destroy_in_cb \
	foreign_ev_own_loop_service_returns
# - its glib plugin spins the application's idle loop (about 250 turns in
#   200 ms where the application's 5 ms timer accounts for 40)
FOREIGN_LWS_EXCLUDE += foreign_glib_echo
# - its glib plugin crashes (SIGSEGV) when the context is destroyed from
#   inside a callback (RAW_RX, a sul)
FOREIGN_LWS_EXCLUDE += foreign_glib_destroy_in_rx foreign_glib_destroy_in_sul
# - its glib plugin on a loop of its own calls g_main_loop_quit(NULL) at
#   destroy (a GLib-CRITICAL, fatal under G_DEBUG=fatal-criticals)
FOREIGN_LWS_EXCLUDE += foreign_glib_own_loop_destroy_in_cb
# lws 4.3.5 does PROTOCOL_INIT from a 1 us sul that lws_create_context
# schedules just before it calls lws_cancel_service, so the loop's first
# turn finds both the timer due and the wake-up pipe readable: libuv runs
# timers before I/O (PROTOCOL_INIT first, as rwsloop), libev and glib the
# I/O first (EVENT_WAIT_CANCELLED, to protocols not yet initialised, then
# PROTOCOL_INIT). Compared as if lws had rwsloop's order until the
# plugins match it.
FOREIGN_LWS_WAKE_FIRST := ev glib
FOREIGN_LWS_DIFF = $(CAPI_DIR)/foreign-lws-diff.sh

foreign-lws-builds: $(addprefix foreign-plugin-,$(FOREIGN_LWS_BACKENDS)) \
	$(FOREIGN_OUT)/rwsloop/capi-tests $(FOREIGN_OUT)/lws43/capi-tests

# Asks first whether it can run here, and builds only then.
check-foreign-lws:
	@rc=0; bash $(FOREIGN_LWS_DIFF) --can-run || rc=$$?; \
	if [ $$rc = 2 ]; then exit 0; elif [ $$rc != 0 ]; then exit 1; fi; \
	$(MAKE) --no-print-directory foreign-lws-builds && \
	$(FOREIGN_ENV) FOREIGN_LWS_BACKENDS="$(FOREIGN_LWS_BACKENDS)" \
		FOREIGN_LWS_EXCLUDE="$(strip $(FOREIGN_LWS_EXCLUDE))" \
		FOREIGN_LWS_WAKE_FIRST="$(FOREIGN_LWS_WAKE_FIRST)" \
		bash $(FOREIGN_LWS_DIFF) $(FOREIGN_OUT)/rwsloop/capi-tests \
		$(FOREIGN_OUT)/lws43/capi-tests $(ORACLE43_LIB) $(FOREIGN_SYS_LIB) \
		$(FOREIGN_OUT)/lws-diff

CHECK_TARGETS += check-foreign-lws

# The script wants CAPI_OUT/{rwsloop,lws43,lws41}/capi-tests: the foreign
# runner's three builds are laid out that way.
compare-evlib-uv: foreign-plugin-uv $(FOREIGN_OUT)/rwsloop/capi-tests \
		$(FOREIGN_OUT)/lws43/capi-tests $(FOREIGN_OUT)/lws41/capi-tests
	bash $(TOP)/plugins/uv/compare-with-lws.sh $(FOREIGN_OUT) $(ORACLE43_LIB) \
		$(FOREIGN_OUT)/compare

# ---- the names these targets had before (plugin READMEs use them) ----

.PHONY: evlib-uv evlib-event evlib2-plugins check-evlib-uv-event \
	check-evlib-ev-glib-sd install-evlib2 uninstall-evlib2 evlib2-oracle
evlib-uv: foreign-plugin-uv
evlib-event: foreign-plugin-event
evlib2-plugins: foreign-plugin-ev foreign-plugin-glib foreign-plugin-sdevent
check-evlib-uv-event check-evlib-ev-glib-sd: check-foreign
install-evlib2: install-foreign-plugins
uninstall-evlib2: uninstall-foreign-plugins
evlib2-oracle: foreign-oracle
