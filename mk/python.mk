# The Python binding (python/rwsloop, ctypes only) and its tests.
#
#   make python-test          run python/tests against the freshly built
#                             library (target/release/librwsloop.so)
#   make python-test-oracle   run the same tests against Debian's real
#                             libwebsockets 4.3.5 in .oracle/ (the binding
#                             speaks the lws API, so real lws must pass too)
#   make python-example       run python/examples/timers.py
#
# pytest is the only requirement; `make deps-python` installs it.

PYTHON ?= python3
PYTEST_ARGS ?= -q
ORACLE43_SO := $(ORACLE43_LIB)/libwebsockets.so.19

.PHONY: python-test python-test-oracle python-example python-has-pytest

python-has-pytest:
	@$(PYTHON) -m pytest --version > /dev/null 2>&1 || { \
		echo "python-test: pytest is not installed for $(PYTHON)."; \
		echo "  install it with 'make deps-python' (or: $(PYTHON) -m pip install pytest)"; \
		exit 1; }

python-test: lib python-has-pytest
	cd $(TOP)/python && RWSLOOP_LIB=$(SO_BUILD) PYTHONPATH=$(TOP)/python \
		$(PYTHON) -m pytest $(PYTEST_ARGS) tests

python-test-oracle: python-has-pytest
	@if [ ! -e $(ORACLE43_SO) ]; then \
		echo "python-test-oracle: skipped: $(ORACLE43_SO) is absent (make deps-oracle)"; \
		exit 0; fi; \
	cd $(TOP)/python && RWSLOOP_LIB=$(ORACLE43_SO) PYTHONPATH=$(TOP)/python \
		$(PYTHON) -m pytest $(PYTEST_ARGS) tests

python-example: lib
	cd $(TOP)/python && RWSLOOP_LIB=$(SO_BUILD) PYTHONPATH=$(TOP)/python \
		$(PYTHON) examples/timers.py

CHECK_TARGETS += python-test python-test-oracle
