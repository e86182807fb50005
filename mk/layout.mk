# Header layout checks.
#
#   make check-layout          sizes, offsets, member types, enum and macro
#                              values, config macros: ours against Debian's
#                              lws 4.3.5, compiled as C and as C++
#   make check-header-compile  our <libwebsockets.h> used like lws programs
#                              use it, warning-free in C99, GNU C11 and
#                              C++11, with gcc and (when installed) clang
#
# The probe is generated from lws's own header by tools/layout/gen-probe.py
# from the list in tools/layout/items.txt; see that file for what is covered.

PYTHON ?= python3
LAYOUT_DIR := $(BUILD)/layout
LAYOUT_ITEMS := tools/layout/items.txt
LAYOUT_GEN := tools/layout/gen-probe.py
LAYOUT_PROBE := $(LAYOUT_DIR)/probe.c
LAYOUT_HEADERS := $(wildcard include/*.h)
CLANG ?= $(shell command -v clang-14 || command -v clang)
CLANGXX ?= $(shell command -v clang++-14 || command -v clang++)
HC_WARN := -Wall -Wextra -Werror

# Anonymous enums get compiler-numbered names in C++; only their shape counts.
LAYOUT_NORMALISE := sed -E 's/[0-9]+\._anon_[0-9]+/(anonymous)/g'

.PHONY: check-layout check-header-compile layout-oracle

layout-oracle:
	@test -f $(ORACLE43_INC)/libwebsockets.h || { \
		echo "check-layout: no lws 4.3.5 headers in $(ORACLE43_INC)"; \
		echo "check-layout: run tools/fetch-oracle.sh (or make deps)"; exit 1; }

$(LAYOUT_PROBE): $(LAYOUT_ITEMS) $(LAYOUT_GEN) | layout-oracle
	@mkdir -p $(LAYOUT_DIR)
	$(PYTHON) $(LAYOUT_GEN) $(LAYOUT_ITEMS) $(ORACLE43_INC) $@

# $(1): output stem, $(2): include dir, $(3): compiler and language flags
define layout_run
	$(3) -w -I$(2) -o $(LAYOUT_DIR)/$(1) $(LAYOUT_PROBE)
	$(LAYOUT_DIR)/$(1) | $(LAYOUT_NORMALISE) > $(LAYOUT_DIR)/$(1).txt

endef

check-layout: $(LAYOUT_PROBE) $(LAYOUT_HEADERS)
	$(call layout_run,lws-c,$(ORACLE43_INC),$(CC) -std=c11 -x c)
	$(call layout_run,ours-c,include,$(CC) -std=c11 -x c)
	$(call layout_run,lws-cxx,$(ORACLE43_INC),$(CXX) -std=c++11 -x c++)
	$(call layout_run,ours-cxx,include,$(CXX) -std=c++11 -x c++)
	@fail=0; for lang in c cxx; do \
		if ! diff -u $(LAYOUT_DIR)/lws-$$lang.txt $(LAYOUT_DIR)/ours-$$lang.txt; then \
			echo "check-layout: $$lang: our header differs from lws 4.3.5 (- lws, + ours)"; \
			fail=1; fi; done; \
	[ $$fail = 0 ] || exit 1; \
	echo "check-layout: ok ($$(wc -l < $(LAYOUT_DIR)/ours-cxx.txt) facts," \
		"$$(grep -c '^size ' $(LAYOUT_DIR)/ours-cxx.txt) records," \
		"$$(grep -c '^member \|^bitfield ' $(LAYOUT_DIR)/ours-cxx.txt) members," \
		"$$(grep -c '^enumerator ' $(LAYOUT_DIR)/ours-cxx.txt) enumerators," \
		"$$(grep -c '^macro .* = ' $(LAYOUT_DIR)/ours-cxx.txt) macros," \
		"$$(grep -c '^config ' $(LAYOUT_DIR)/ours-cxx.txt) config switches; C and C++ agree with lws)"

# $(1): compiler, $(2): flags; compiled against ours, then against lws so
# the test programs themselves stay valid lws code.
define header_compile
	$(1) $(2) $(HC_WARN) -Iinclude -c -o $(LAYOUT_DIR)/hc.o $(3)
	$(1) $(2) $(HC_WARN) -DNDEBUG -Iinclude -c -o $(LAYOUT_DIR)/hc.o $(3)

endef

check-header-compile: $(LAYOUT_HEADERS) tools/layout/header-compile.c tools/layout/header-compile.cc | layout-oracle
	@mkdir -p $(LAYOUT_DIR)
	$(call header_compile,$(CC),-std=c99,tools/layout/header-compile.c)
	$(call header_compile,$(CC),-std=gnu11,tools/layout/header-compile.c)
	$(call header_compile,$(CXX),-std=c++11,tools/layout/header-compile.cc)
	@if [ -n "$(CLANG)" ]; then \
		set -e; for std in c99 gnu11; do \
			echo "$(CLANG) -std=$$std $(HC_WARN) -Iinclude -c tools/layout/header-compile.c"; \
			$(CLANG) -std=$$std $(HC_WARN) -Iinclude -c -o $(LAYOUT_DIR)/hc.o tools/layout/header-compile.c; \
			$(CLANG) -std=$$std $(HC_WARN) -DNDEBUG -Iinclude -c -o $(LAYOUT_DIR)/hc.o tools/layout/header-compile.c; \
		done; \
	else echo "check-header-compile: SKIPPED clang (clang-14/clang not installed)"; fi
	@if [ -n "$(CLANGXX)" ]; then \
		echo "$(CLANGXX) -std=c++11 $(HC_WARN) -Iinclude -c tools/layout/header-compile.cc"; \
		$(CLANGXX) -std=c++11 $(HC_WARN) -Iinclude -c -o $(LAYOUT_DIR)/hc.o tools/layout/header-compile.cc; \
	else echo "check-header-compile: SKIPPED clang++ (clang++-14/clang++ not installed)"; fi
	$(CC) -std=gnu11 $(HC_WARN) -I$(ORACLE43_INC) -c -o $(LAYOUT_DIR)/hc.o tools/layout/header-compile.c
	$(CXX) -std=c++11 $(HC_WARN) -I$(ORACLE43_INC) -c -o $(LAYOUT_DIR)/hc.o tools/layout/header-compile.cc
	@echo "check-header-compile: ok"

CHECK_TARGETS += check-layout check-header-compile
