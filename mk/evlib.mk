# Foreign-loop plugins for libuv and libevent (plugins/uv, plugins/event):
# each a Rust crate and workspace of its own, built into
# librwsloop-evlib_<name>.so beside librwsloop.so, where the library looks
# for it when a context asks for LWS_SERVER_OPTION_LIBUV / _LIBEVENT.
# librwsloop.so itself never links libuv or libevent.
#
#   make evlib-uv evlib-event   build a plugin (needs libuv1-dev /
#                               libevent-dev) and copy it to $(LIBDIR_BUILD)
#   make check-evlib-uv-event   both plugins, their capi tests (ASan+UBSan+
#                               LSan) and the two c-examples, run from the
#                               build tree; NEEDED entries checked
#   make install-evlib-uv-event / uninstall-evlib-uv-event
#                               (install/uninstall run them through
#                               PLUGIN_INSTALL_TARGETS, see mk/plugins.mk)
#   make compare-evlib-uv       by hand, as root: the libuv tests' callback
#                               traces against real lws 4.3.5 on libuv (its
#                               plugin bind-mounted over the fixed path it is
#                               loaded from, in a private mount namespace)
#                               and against lws 4.1.6's installed plugin
#
# The tests (capi-tests/test-foreign-uv.c, test-foreign-event.c, listed in
# test-list-foreign-uv-event.h) are ordinary capi tests: every capi build
# links $(EVLIB_UV_EVENT_LIBS), and against real lws they skip when its
# plugin cannot be loaded.

EVLIB_UV_EVENT := uv event
EVLIB_TARGET_DIR := $(TOP)/target/plugins
EVLIB_OUT := $(BUILD)/evlib
# cargo's name for the cdylib, and the name librwsloop.so loads
evlib_built = $(EVLIB_TARGET_DIR)/release/librwsloop_evlib_$(1).so
evlib_file = librwsloop-evlib_$(1).so

# What every capi-tests link line needs for these tests (lazy: pkg-config
# runs only when a recipe uses it).
EVLIB_UV_EVENT_LIBS = $(shell pkg-config --libs libuv libevent 2>/dev/null || echo -luv -levent)

.PHONY: evlib-uv evlib-event evlib-uv-event-deps check-evlib-uv-event \
	install-evlib-uv-event uninstall-evlib-uv-event compare-evlib-uv

evlib-uv-event-deps:
	@pkg-config --exists libuv || { \
		echo "evlib: pkg-config cannot find libuv (apt-get install libuv1-dev, or make deps)"; exit 1; }
	@pkg-config --exists libevent || { \
		echo "evlib: pkg-config cannot find libevent (apt-get install libevent-dev, or make deps)"; exit 1; }

# $(1): uv or event. Copied, not linked, and replaced atomically (a running
# program may have the old file mapped).
define evlib_build
	CARGO_TARGET_DIR=$(EVLIB_TARGET_DIR) RWSLOOP_LIB_DIR=$(LIBDIR_BUILD) \
		$(CARGO) build --release $(CARGOFLAGS) --manifest-path $(TOP)/plugins/$(1)/Cargo.toml
	@cp -f $(call evlib_built,$(1)) $(LIBDIR_BUILD)/.$(call evlib_file,$(1)).tmp
	@mv -f $(LIBDIR_BUILD)/.$(call evlib_file,$(1)).tmp $(LIBDIR_BUILD)/$(call evlib_file,$(1))
endef

evlib-uv: lib evlib-uv-event-deps
	$(call evlib_build,uv)

evlib-event: lib evlib-uv-event-deps
	$(call evlib_build,event)

# The capi runs load the plugins from beside librwsloop.so.
capi-test capi-valgrind: evlib-uv evlib-event

# ---- checks ----

EVLIB_EXAMPLES := foreign-uv foreign-event
EVLIB_EXAMPLE_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror $(CAPI_SAN)

$(EVLIB_OUT)/%: $(TOP)/c-examples/%.c $(CAPI_RWSLOOP_INC) | lib
	@mkdir -p $(@D)
	$(CAPI_CC) $(EVLIB_EXAMPLE_CFLAGS) -I$(TOP)/include -o $@ $< \
		-L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop $(EVLIB_UV_EVENT_LIBS)

check-evlib-uv-event: evlib-uv evlib-event $(CAPI_OUT)/rwsloop/capi-tests \
		$(addprefix $(EVLIB_OUT)/,$(EVLIB_EXAMPLES))
	@for n in $(EVLIB_UV_EVENT); do \
		lib=lib$$n; \
		needed=$$(readelf -d $(LIBDIR_BUILD)/librwsloop-evlib_$$n.so | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); \
		echo "$$needed" | grep -qx 'librwsloop\.so\.0' || { \
			echo "check-evlib-uv-event: librwsloop-evlib_$$n.so does not need librwsloop.so.0"; exit 1; }; \
		echo "$$needed" | grep -q "^$$lib[-.]" || { \
			echo "check-evlib-uv-event: librwsloop-evlib_$$n.so does not need $$lib"; exit 1; }; \
	done
	@if readelf -d $(SO_BUILD) | grep -E '\(NEEDED\).*\[lib(uv|event)[-.]'; then \
		echo "check-evlib-uv-event: librwsloop.so links libuv or libevent itself"; exit 1; fi
	env -u RWSLOOP_EVLIB_DIR ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS) \
		$(CAPI_OUT)/rwsloop/capi-tests 'foreign_uv_*' 'foreign_event_*'
	@for e in $(EVLIB_EXAMPLES); do \
		env -u RWSLOOP_EVLIB_DIR ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS) \
			timeout 60 $(EVLIB_OUT)/$$e > $(EVLIB_OUT)/$$e.log 2>&1 \
			|| { cat $(EVLIB_OUT)/$$e.log; echo "check-evlib-uv-event: $$e failed"; exit 1; }; \
		echo "  c-examples/$$e.c: ran and exited 0 (ASan+UBSan+LSan)"; \
	done
	@echo "check-evlib-uv-event: ok"

CHECK_TARGETS += check-evlib-uv-event

# Root only (unshare + mount): see plugins/README.md.
compare-evlib-uv: evlib-uv $(CAPI_OUT)/rwsloop/capi-tests $(CAPI_OUT)/lws43/capi-tests \
		$(CAPI_OUT)/lws41/capi-tests
	bash $(TOP)/plugins/uv/compare-with-lws.sh $(CAPI_OUT) $(ORACLE43_LIB) $(EVLIB_OUT)/compare

# ---- install ----

install-evlib-uv-event: evlib-uv evlib-event
	install -d $(DESTDIR)$(LIBDIR)
	install -m 0755 $(LIBDIR_BUILD)/$(call evlib_file,uv) $(DESTDIR)$(LIBDIR)/$(call evlib_file,uv)
	install -m 0755 $(LIBDIR_BUILD)/$(call evlib_file,event) $(DESTDIR)$(LIBDIR)/$(call evlib_file,event)

uninstall-evlib-uv-event:
	rm -f $(foreach n,$(EVLIB_UV_EVENT),$(DESTDIR)$(LIBDIR)/$(call evlib_file,$(n)))

PLUGIN_INSTALL_TARGETS += install-evlib-uv-event
PLUGIN_UNINSTALL_TARGETS += uninstall-evlib-uv-event
