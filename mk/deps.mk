# `make deps`: install what a fresh Debian bookworm machine (with only the
# Rust toolchain on it) lacks for `make check`. Safe to run again: anything
# already present is skipped, and nothing is printed then.
#
# Debian packages are installed with apt-get as root; `apt-get update` runs
# once, and only when something is missing.

DEBIAN_PACKAGES := \
	pkg-config gcc g++ make binutils \
	libcap-dev libssl-dev \
	libwebsockets-dev libwebsockets-test-server \
	valgrind clang-14 libclang-rt-14-dev \
	libuv1-dev libevent-dev libev-dev libglib2.0-dev libsystemd-dev cmake libjson-c-dev curl ca-certificates

PYTHON ?= python3

.PHONY: deps deps-debian deps-python deps-rust deps-oracle

deps: deps-debian deps-python deps-rust deps-oracle $(CBINDGEN)

deps-debian:
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
		s=$$(dpkg-query -W -f='$${db:Status-Status}' "$$p" 2>/dev/null || true); \
		[ "$$s" = installed ] || missing="$$missing $$p"; \
	done; \
	[ -z "$$missing" ] && exit 0; \
	echo "deps: installing Debian packages:$$missing"; \
	if [ "$$(id -u)" != 0 ]; then \
		echo "deps: run as root (or: sudo apt-get install$$missing)"; exit 1; fi; \
	export DEBIAN_FRONTEND=noninteractive; \
	apt-get update -qq && \
	apt-get install -y -qq --no-install-recommends $$missing > /dev/null

deps-python:
	@$(PYTHON) -m pytest --version > /dev/null 2>&1 || { \
		echo "deps: installing pytest"; \
		$(PYTHON) -m pip install --quiet --disable-pip-version-check pytest; }

deps-rust:
	@for c in rustfmt clippy; do \
		$(CARGO) $${c/rustfmt/fmt} --version > /dev/null 2>&1 || { \
			echo "deps: adding the $$c component"; rustup component add $$c; }; \
	done

# Debian trixie's real lws 4.3.5, unpacked under .oracle/ (never installed).
deps-oracle: deps-debian
	@bash tools/fetch-oracle.sh
