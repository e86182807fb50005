# Installing the library the way C programs consume it.
#
#   make install   [PREFIX=/usr/local] [DESTDIR=] [LIBDIR=$(PREFIX)/lib]
#                  [INCLUDEDIR=$(PREFIX)/include]
#   make uninstall (same variables)
#
# What lands where (all packaging facts live in this file):
#   $(LIBDIR)/librwsloop.so.$(VERSION)   the shared library, soname librwsloop.so.$(SO_MAJOR)
#   $(LIBDIR)/librwsloop.so.$(SO_MAJOR)  symlink, what programs load at run time
#   $(LIBDIR)/librwsloop.so              symlink, what -lrwsloop finds at link time
#   $(LIBDIR)/librwsloop.a               the static library
#   $(INCLUDEDIR)/rwsloop/*.h            the headers, in their own directory so
#                                        they never shadow a system libwebsockets
#   $(PKGCONFIGDIR)/rwsloop.pc           Cflags/Libs pointing at the above
#
# DESTDIR only stages the files: every path written inside rwsloop.pc is the
# final one, without DESTDIR.

PREFIX       ?= /usr/local
DESTDIR      ?=
LIBDIR       ?= $(PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

SO_MAJOR   := $(firstword $(subst ., ,$(VERSION)))
SO_NAME    := librwsloop.so.$(SO_MAJOR)
SO_FILE    := librwsloop.so.$(VERSION)
HEADERS    := $(sort $(wildcard include/*.h))

# The system libraries the static library needs on the link line, as rustc
# reports them. Learned in a target directory of its own, so that building
# the staticlib alone never disturbs the fingerprints of `make lib`.
NATIVE_STATIC_LIBS := $(BUILD)/native-static-libs.txt
STATIC_PROBE_DIR   := $(BUILD)/static-libs-probe
RUST_INPUTS := Cargo.toml $(wildcard Cargo.lock) build.rs rwsloop.map \
	$(shell find src -type f 2>/dev/null)

$(NATIVE_STATIC_LIBS): $(RUST_INPUTS)
	@mkdir -p $(BUILD)
	@echo "  PROBE   native libraries of librwsloop.a"
	@$(CARGO) rustc --release $(CARGOFLAGS) --lib --crate-type staticlib \
		--target-dir $(STATIC_PROBE_DIR) -- --print native-static-libs \
		> $(BUILD)/static-probe.log 2>&1 \
		|| { cat $(BUILD)/static-probe.log; exit 1; }
	@libs=$$(sed -n 's/.*native-static-libs: *//p' $(BUILD)/static-probe.log | tail -n 1); \
	if [ -z "$$libs" ]; then \
		cat $(BUILD)/static-probe.log; \
		echo "install: rustc printed no native-static-libs line"; exit 1; fi; \
	printf '%s\n' "$$libs" > $@

# Paths inside the prefix are written relative to ${prefix}, so the file
# still works when the whole tree is moved (pkg-config --define-prefix).
pc_path = $(patsubst $(PREFIX)/%,$${prefix}/%,$(1))

.PHONY: install uninstall pc

pc: $(NATIVE_STATIC_LIBS)
	@mkdir -p $(BUILD)/pc
	@sed -e 's|@PREFIX@|$(PREFIX)|g' \
	     -e 's|@LIBDIR@|$(call pc_path,$(LIBDIR))|g' \
	     -e 's|@INCLUDEDIR@|$(call pc_path,$(INCLUDEDIR))|g' \
	     -e 's|@VERSION@|$(VERSION)|g' \
	     -e "s|@LIBS_PRIVATE@|$$(cat $(NATIVE_STATIC_LIBS))|g" \
	     pkgconfig/rwsloop.pc.in > $(BUILD)/pc/rwsloop.pc
	@if grep -q '@[A-Z_]*@' $(BUILD)/pc/rwsloop.pc; then \
		echo "install: unfilled placeholder in rwsloop.pc"; exit 1; fi

install: lib pc
	@test -n "$(VERSION)" || { echo "install: no version in Cargo.toml"; exit 1; }
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR)/rwsloop $(DESTDIR)$(PKGCONFIGDIR)
	install -m 0755 $(SO_BUILD) $(DESTDIR)$(LIBDIR)/$(SO_FILE)
	ln -sfn $(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_NAME)
	ln -sfn $(SO_NAME) $(DESTDIR)$(LIBDIR)/librwsloop.so
	install -m 0644 $(A_BUILD) $(DESTDIR)$(LIBDIR)/librwsloop.a
	install -m 0644 $(HEADERS) $(DESTDIR)$(INCLUDEDIR)/rwsloop/
	install -m 0644 $(BUILD)/pc/rwsloop.pc $(DESTDIR)$(PKGCONFIGDIR)/rwsloop.pc

# Removes exactly what install puts down; directories only when left empty.
uninstall:
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX)"
	rm -f $(DESTDIR)$(LIBDIR)/$(SO_FILE) $(DESTDIR)$(LIBDIR)/$(SO_NAME) \
	      $(DESTDIR)$(LIBDIR)/librwsloop.so $(DESTDIR)$(LIBDIR)/librwsloop.a \
	      $(DESTDIR)$(PKGCONFIGDIR)/rwsloop.pc
	rm -f $(addprefix $(DESTDIR)$(INCLUDEDIR)/rwsloop/,$(notdir $(HEADERS)))
	rmdir $(DESTDIR)$(INCLUDEDIR)/rwsloop 2>/dev/null || true

# --- checks on what gets installed -------------------------------------------

.PHONY: check-symbols check-install compat check-compat

# Exports == header declarations, soname, no foreign event-loop NEEDED.
check-symbols: lib
	@bash tools/check-symbols.sh --so $(SO_BUILD) --a $(A_BUILD) --include include \
		--soname $(SO_NAME)

# Install into a stage, assert the exact pkg-config output, build and run
# every c-example from pkg-config alone, shared and static, then uninstall.
check-install: lib pc
	@MAKE="$(MAKE)" bash tools/install-check.sh

# docs/COMPAT.md is generated from the tree; `make compat` refreshes it and
# check-compat fails when the committed copy has drifted.
compat: lib
	@python3 tools/compat-table.py --so $(SO_BUILD) --output docs/COMPAT.md
	@echo "compat: docs/COMPAT.md regenerated"

check-compat: lib
	@mkdir -p $(BUILD)
	@python3 tools/compat-table.py --so $(SO_BUILD) --output $(BUILD)/COMPAT.md
	@if ! diff -u docs/COMPAT.md $(BUILD)/COMPAT.md; then \
		echo "check-compat: docs/COMPAT.md is out of date: run 'make compat' and commit it"; \
		exit 1; fi
	@echo "check-compat: ok"

CHECK_TARGETS += check-symbols check-install check-compat
