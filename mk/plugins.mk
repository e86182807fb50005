# The foreign-loop backends (plugins/*): each a shared object installed
# beside librwsloop.so, loaded only by a context that asks for its loop.
# `make install` installs the library alone; `make install-plugins` adds the
# backends (they need the loop libraries' -dev packages to build).

.PHONY: install-plugins uninstall-plugins

install-plugins: $(PLUGIN_INSTALL_TARGETS)

uninstall-plugins: $(PLUGIN_UNINSTALL_TARGETS)
