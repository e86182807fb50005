# `make demo`: what a newcomer does, end to end. Build the library, install
# it into build/stage, compile c-examples/hello-context.c with nothing but
# pkg-config, and run it: three timers tick on the event loop and it exits.

DEMO_PREFIX := $(BUILD)/stage

.PHONY: demo

demo: lib
	@$(MAKE) --no-print-directory install PREFIX=$(DEMO_PREFIX) DESTDIR= > /dev/null
	@echo "  the library is installed in $(DEMO_PREFIX); building the example:"
	@export PKG_CONFIG_PATH=$(DEMO_PREFIX)/lib/pkgconfig; \
	cmd="cc c-examples/hello-context.c -o $(BUILD)/hello-context $$(pkg-config --cflags --libs rwsloop)"; \
	echo "  $$cmd"; $$cmd
	@echo "  running it:"
	@LD_LIBRARY_PATH=$(DEMO_PREFIX)/lib $(BUILD)/hello-context
