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
#                            (mk/foreign.mk's foreign-plugin-uloop)
#   make install-evlib-uloop / uninstall-evlib-uloop
#                            this plugin alone (install-foreign-plugins
#                            installs it with the others)
#
# Everything else is mk/foreign.mk's, where uloop is one of
# FOREIGN_BACKENDS: lint, NEEDED entries, c-examples/foreign-uloop.c and
# the suite on uloop (make check-foreign, check-foreign-valgrind).

LIBUBOX_CRATE := libubox-sys-0.2.0
LIBUBOX_URL := https://static.crates.io/crates/libubox-sys/$(LIBUBOX_CRATE).crate
LIBUBOX_SHA256 := 3fed6c4cef3c4497d4eb1d48a850ed4d87b229c0844bb99de211822bef726a19
LIBUBOX_PREFIX := $(TOP)/.tools/libubox
LIBUBOX_DOWNLOAD := $(TOP)/.tools/downloads/$(LIBUBOX_CRATE).crate
LIBUBOX_WORK := $(TOP)/.tools/libubox-work
LIBUBOX_STAMP := $(LIBUBOX_PREFIX)/.complete-$(LIBUBOX_CRATE)

ULOOP_TARGET_DIR := $(TOP)/target/plugins
ULOOP_FILE := librwsloop-evlib_uloop.so

.PHONY: libubox deps-libubox evlib-uloop check-evlib-uloop \
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

# The name this check had before the foreign runner took uloop in.
check-evlib-uloop: check-foreign

# ---- install ----

install-evlib-uloop: evlib-uloop
	install -d $(DESTDIR)$(LIBDIR)
	install -m 0755 $(LIBDIR_BUILD)/$(ULOOP_FILE) $(DESTDIR)$(LIBDIR)/$(ULOOP_FILE)

uninstall-evlib-uloop:
	rm -f $(DESTDIR)$(LIBDIR)/$(ULOOP_FILE)
