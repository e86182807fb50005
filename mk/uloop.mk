# The uloop foreign-loop plugin (plugins/uloop): librwsloop-evlib_uloop.so,
# loaded by librwsloop.so beside it when a context asks for
# LWS_SERVER_OPTION_ULOOP. uloop is OpenWrt's event loop, part of libubox,
# which no Debian release packages: for building and testing here libubox is
# compiled from the C source the crates.io crate libubox-sys vendors
# (downloaded, checked against a pinned sha256, never committed) into
# .tools/libubox.
#
#   make libubox             download + build libubox into $(LIBUBOX_PREFIX)
#                            (needs cmake, libjson-c-dev, curl; `make deps`
#                            installs them and runs this)
#   make evlib-uloop         build the plugin, copy it beside librwsloop.so
#   make check-evlib-uloop   lint, NEEDED entries, the foreign-loop capi tests
#                            for uloop (ASan+UBSan+LSan, a runner of their
#                            own) and c-examples/foreign-uloop.c
#   make install-evlib-uloop / uninstall-evlib-uloop
#                            (through PLUGIN_INSTALL_TARGETS, mk/plugins.mk;
#                            the installed plugin needs the system's libubox)

LIBUBOX_CRATE := libubox-sys-0.2.0
LIBUBOX_URL := https://static.crates.io/crates/libubox-sys/$(LIBUBOX_CRATE).crate
LIBUBOX_SHA256 := 3fed6c4cef3c4497d4eb1d48a850ed4d87b229c0844bb99de211822bef726a19
LIBUBOX_PREFIX := $(TOP)/.tools/libubox
LIBUBOX_DOWNLOAD := $(TOP)/.tools/downloads/$(LIBUBOX_CRATE).crate
LIBUBOX_WORK := $(TOP)/.tools/libubox-work
LIBUBOX_STAMP := $(LIBUBOX_PREFIX)/.complete-$(LIBUBOX_CRATE)

ULOOP_TARGET_DIR := $(TOP)/target/plugins
ULOOP_OUT := $(BUILD)/evlib-uloop
ULOOP_FILE := librwsloop-evlib_uloop.so

.PHONY: libubox deps-libubox evlib-uloop evlib-uloop-lint check-evlib-uloop \
	install-evlib-uloop uninstall-evlib-uloop

# ---- libubox, for building and testing only ----

# `make deps` builds it once the Debian packages are there (a recursive make,
# so that -j cannot start it before cmake is installed).
deps: deps-libubox
deps-libubox: deps-debian
	@$(MAKE) -s --no-print-directory libubox

libubox: $(LIBUBOX_STAMP)

$(LIBUBOX_DOWNLOAD):
	@command -v curl > /dev/null || { \
		echo "libubox: curl is missing (apt-get install curl ca-certificates, or make deps)"; exit 1; }
	@mkdir -p $(@D)
	@echo "libubox: downloading $(LIBUBOX_URL)"
	@curl -fsSL --retry 3 -o $@.tmp $(LIBUBOX_URL)
	@echo "$(LIBUBOX_SHA256)  $@.tmp" | sha256sum -c --quiet - || { \
		rm -f $@.tmp; echo "libubox: $(LIBUBOX_CRATE).crate does not have the pinned sha256"; exit 1; }
	@mv -f $@.tmp $@

# Only the shared library and the headers: no Lua binding, no examples, no
# json tools (libubox's CMakeLists still wants json-c's pkg-config file to
# configure at all). -Wno-error: libubox builds itself with -Werror.
$(LIBUBOX_STAMP): $(LIBUBOX_DOWNLOAD)
	@command -v cmake > /dev/null || { \
		echo "libubox: cmake is missing (apt-get install cmake, or make deps)"; exit 1; }
	@pkg-config --exists json-c || { \
		echo "libubox: pkg-config cannot find json-c (apt-get install libjson-c-dev, or make deps)"; exit 1; }
	@echo "$(LIBUBOX_SHA256)  $<" | sha256sum -c --quiet - || { \
		echo "libubox: $< does not have the pinned sha256 (delete it and retry)"; exit 1; }
	@echo "libubox: building into $(LIBUBOX_PREFIX)"
	@rm -rf $(LIBUBOX_WORK) $(LIBUBOX_PREFIX)
	@mkdir -p $(LIBUBOX_WORK)/src $(LIBUBOX_PREFIX)/lib $(LIBUBOX_PREFIX)/include/libubox
	@tar -xzf $< -C $(LIBUBOX_WORK)/src --strip-components=3 $(LIBUBOX_CRATE)/vendor/libubox
	@cmake -S $(LIBUBOX_WORK)/src -B $(LIBUBOX_WORK)/build -DCMAKE_BUILD_TYPE=Release \
		-DBUILD_LUA=OFF -DBUILD_EXAMPLES=OFF -DCMAKE_C_FLAGS=-Wno-error \
		> $(LIBUBOX_WORK)/cmake.log 2>&1 \
		|| { cat $(LIBUBOX_WORK)/cmake.log; echo "libubox: cmake failed"; exit 1; }
	@cmake --build $(LIBUBOX_WORK)/build --target ubox -j 2 > $(LIBUBOX_WORK)/build.log 2>&1 \
		|| { cat $(LIBUBOX_WORK)/build.log; echo "libubox: build failed"; exit 1; }
	@install -m 0755 $(LIBUBOX_WORK)/build/libubox.so $(LIBUBOX_PREFIX)/lib/libubox.so
	@for h in $(LIBUBOX_WORK)/src/*.h; do \
		case $$h in *-priv.h) continue;; esac; \
		install -m 0644 $$h $(LIBUBOX_PREFIX)/include/libubox/ || exit 1; \
	done
	@rm -rf $(LIBUBOX_WORK)
	@touch $@
	@echo "libubox: $(LIBUBOX_PREFIX)/lib/libubox.so"

# ---- the plugin ----

# Copied, not linked, and replaced atomically (a running program may have
# the old file mapped).
evlib-uloop: lib libubox
	CARGO_TARGET_DIR=$(ULOOP_TARGET_DIR) RWSLOOP_LIB_DIR=$(LIBDIR_BUILD) \
		RWSLOOP_LIBUBOX_DIR=$(LIBUBOX_PREFIX) \
		$(CARGO) build --release $(CARGOFLAGS) --manifest-path $(TOP)/plugins/uloop/Cargo.toml
	@cp -f $(ULOOP_TARGET_DIR)/release/librwsloop_evlib_uloop.so $(LIBDIR_BUILD)/.$(ULOOP_FILE).tmp
	@mv -f $(LIBDIR_BUILD)/.$(ULOOP_FILE).tmp $(LIBDIR_BUILD)/$(ULOOP_FILE)

# The plugin crate is a workspace of its own: `make fmt` and `make clippy`
# do not reach it.
evlib-uloop-lint: lib libubox
	cd $(TOP)/plugins/uloop && $(CARGO) fmt -- --check
	CARGO_TARGET_DIR=$(ULOOP_TARGET_DIR) RWSLOOP_LIB_DIR=$(LIBDIR_BUILD) \
		RWSLOOP_LIBUBOX_DIR=$(LIBUBOX_PREFIX) \
		$(CARGO) clippy --release $(CARGOFLAGS) \
		--manifest-path $(TOP)/plugins/uloop/Cargo.toml -- -D warnings

# ---- tests: a runner of their own ----
#
# capi-tests/test-foreign-uloop.c is a CAPI_MANUAL stub in the normal capi
# builds; here it is compiled for real (-DRWSLOOP_CAPI_FOREIGN_ULOOP, libubox
# linked) with the runner and the shared scenarios, staged with a
# test-list.h that lists only these tests.

ULOOP_LIST := $(TOP)/capi-tests/test-list-foreign-uloop.h
ULOOP_TESTS := $(shell sed -n 's/^X(\([A-Za-z0-9_]*\))$$/\1/p' $(ULOOP_LIST) 2>/dev/null)
ULOOP_HARNESS := $(addprefix $(TOP)/capi-tests/,runner.c trace.c task.h trace.h \
	foreign-suite.h test-foreign-uloop.c)
ULOOP_STAGE := $(ULOOP_OUT)/capi-src
ULOOP_INC := $(wildcard $(TOP)/include/*.h)
# The program links libubox itself: the plugin's NEEDED libubox.so is then
# the instance already loaded, so both share uloop's one loop.
ULOOP_LIBS = -L$(LIBDIR_BUILD) -Wl,-rpath,$(LIBDIR_BUILD) -lrwsloop \
	-L$(LIBUBOX_PREFIX)/lib -Wl,-rpath,$(LIBUBOX_PREFIX)/lib -lubox

$(ULOOP_STAGE)/.stamp: $(ULOOP_HARNESS) $(ULOOP_LIST)
	@mkdir -p $(@D)
	@rm -f $(@D)/*.c $(@D)/*.h
	@cp $^ $(@D)/
	@printf '/* generated by mk/uloop.mk */\n#include "test-list-foreign-uloop.h"\n' \
		> $(@D)/test-list.h
	@touch $@

$(ULOOP_OUT)/capi-tests: $(ULOOP_STAGE)/.stamp $(ULOOP_INC) $(LIBUBOX_STAMP) | lib
	$(CAPI_CC) $(CAPI_CFLAGS) $(CAPI_SAN) -DCAPI_IMPL_RWSLOOP -DRWSLOOP_CAPI_FOREIGN_ULOOP \
		-I$(TOP)/include -I$(LIBUBOX_PREFIX)/include \
		-o $@ $(ULOOP_STAGE)/*.c $(ULOOP_LIBS)

# c-examples/foreign-uloop.c: must exit 0 by itself.
$(ULOOP_OUT)/foreign-uloop: $(TOP)/c-examples/foreign-uloop.c $(ULOOP_INC) $(LIBUBOX_STAMP) | lib
	@mkdir -p $(@D)
	$(CAPI_CC) -std=gnu11 -g -O1 -Wall -Wextra -Werror $(CAPI_SAN) \
		-I$(TOP)/include -I$(LIBUBOX_PREFIX)/include -o $@ $< $(ULOOP_LIBS)

# RWSLOOP_EVLIB_DIR stays unset: the plugin is found beside librwsloop.so,
# as installed.
check-evlib-uloop: evlib-uloop evlib-uloop-lint $(ULOOP_OUT)/capi-tests $(ULOOP_OUT)/foreign-uloop
	@needed=$$(readelf -d $(LIBDIR_BUILD)/$(ULOOP_FILE) | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); \
	echo "$$needed" | grep -qx 'librwsloop\.so\.0' || { \
		echo "check-evlib-uloop: $(ULOOP_FILE) does not need librwsloop.so.0"; exit 1; }; \
	echo "$$needed" | grep -qx 'libubox\.so' || { \
		echo "check-evlib-uloop: $(ULOOP_FILE) does not need libubox.so"; exit 1; }
	@if readelf -d $(SO_BUILD) | grep -E '\(NEEDED\).*\[libubox'; then \
		echo "check-evlib-uloop: librwsloop.so links libubox itself"; exit 1; fi
	@test -n "$(ULOOP_TESTS)" || { echo "check-evlib-uloop: no tests listed"; exit 1; }
	env -u RWSLOOP_EVLIB_DIR ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS) \
		$(ULOOP_OUT)/capi-tests $(ULOOP_TESTS)
	@env -u RWSLOOP_EVLIB_DIR ASAN_OPTIONS=$(CAPI_ASAN_OPTIONS) UBSAN_OPTIONS=$(CAPI_UBSAN_OPTIONS) \
		timeout 60 $(ULOOP_OUT)/foreign-uloop > $(ULOOP_OUT)/foreign-uloop.log 2>&1 \
		|| { cat $(ULOOP_OUT)/foreign-uloop.log; \
		     echo "check-evlib-uloop: c-examples/foreign-uloop.c failed"; exit 1; }
	@echo "c-examples/foreign-uloop.c: $$(tail -n 1 $(ULOOP_OUT)/foreign-uloop.log | sed 's/^.*U: //')"
	@echo "check-evlib-uloop: ok"

CHECK_TARGETS += check-evlib-uloop

# ---- install ----

install-evlib-uloop: evlib-uloop
	install -d $(DESTDIR)$(LIBDIR)
	install -m 0755 $(LIBDIR_BUILD)/$(ULOOP_FILE) $(DESTDIR)$(LIBDIR)/$(ULOOP_FILE)

uninstall-evlib-uloop:
	rm -f $(DESTDIR)$(LIBDIR)/$(ULOOP_FILE)

PLUGIN_INSTALL_TARGETS += install-evlib-uloop
PLUGIN_UNINSTALL_TARGETS += uninstall-evlib-uloop
# mk/plugins.mk is read before this file, so its rules have already expanded
# these lists: name the targets there too.
install-plugins: install-evlib-uloop
uninstall-plugins: uninstall-evlib-uloop
