# rwsloop — one entry point for building, checking and installing.
#
#   make            build the library (release) and check the header is current
#   make demo       build, install into build/stage, build a c-example with
#                   pkg-config and run it
#   make test       install what a fresh Debian machine lacks, then `make check`
#   make check      every check: fmt, clippy, Rust tests, header, layouts,
#                   symbols, C tests (sanitizers, both backends, vs real lws),
#                   install + pkg-config, Python
#   make install PREFIX=/usr/local DESTDIR=
#
# Each area keeps its rules in mk/<area>.mk; this file only ties them together.

SHELL := /bin/bash
.DEFAULT_GOAL := all

TOP       := $(abspath .)
CARGO     ?= cargo
CARGOFLAGS := --locked
LIBDIR_BUILD := $(TOP)/target/release
SO_BUILD  := $(LIBDIR_BUILD)/librwsloop.so
A_BUILD   := $(LIBDIR_BUILD)/librwsloop.a
BUILD     := $(TOP)/build
ORACLE43  := $(TOP)/.oracle/4.3.5
ORACLE43_INC := $(ORACLE43)/usr/include
ORACLE43_LIB := $(ORACLE43)/usr/lib/x86_64-linux-gnu

CBINDGEN_VERSION := 0.29.4
CBINDGEN := $(TOP)/.tools/bin/cbindgen
GENERATED_H := include/rwsloop-generated.h

VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)

.PHONY: all lib header check-header fmt clippy cargo-test check test demo clean

all: lib check-header

# The soname is librwsloop.so.0: give in-tree consumers that name too.
lib:
	$(CARGO) build --release $(CARGOFLAGS)
	@ln -sf librwsloop.so $(LIBDIR_BUILD)/librwsloop.so.0

$(CBINDGEN):
	$(CARGO) install --locked --version $(CBINDGEN_VERSION) --root $(TOP)/.tools cbindgen

header: $(CBINDGEN)
	$(CBINDGEN) --config cbindgen.toml --crate rwsloop --output $(GENERATED_H) --quiet

# The committed header must be exactly what cbindgen makes of the source.
check-header: $(CBINDGEN)
	@tmp=$$(mktemp); \
	$(CBINDGEN) --config cbindgen.toml --crate rwsloop --output $$tmp --quiet; \
	if ! diff -u $(GENERATED_H) $$tmp; then \
		echo "check-header: $(GENERATED_H) is stale: run 'make header' and commit it"; \
		rm -f $$tmp; exit 1; fi; rm -f $$tmp; echo "check-header: ok"

fmt:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy $(CARGOFLAGS) --all-targets -- -D warnings

cargo-test:
	$(CARGO) test $(CARGOFLAGS)

include mk/*.mk

# Order: cheap static checks first, then tests from the inside out.
check: fmt clippy check-header cargo-test $(CHECK_TARGETS)
	@echo "make check: all checks passed"

test: deps
	$(MAKE) check

clean:
	$(CARGO) clean
	rm -rf $(BUILD)
