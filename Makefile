# py-hook: GDB extension plus libhookhelper.so.  `make help` lists targets.

PREFIX ?= /usr/local
DESTDIR ?=
bindir = $(PREFIX)/bin
libdir = $(PREFIX)/lib
datadir = $(PREFIX)/share/py-hook
docdir = $(PREFIX)/share/doc/py-hook

CC ?= cc
CFLAGS ?= -O2 -g
HELPER_CFLAGS = -std=c11 -fPIC -fvisibility=hidden -Wall -Wextra -Werror \
	-Wno-unused-parameter -Ihelper
HELPER_LDFLAGS = -shared -Wl,--version-script=helper/libhookhelper.map \
	-Wl,-z,defs -Wl,-z,now

BUILD = build
HELPER_SRCS = $(wildcard helper/*.c)
HELPER_OBJS = $(HELPER_SRCS:helper/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/entry_S.o
HELPER = $(BUILD)/libhookhelper.so
GDB_FILES = gdb/py_hook.py $(wildcard gdb/pyhook/*.py)
DOCS = README.md $(wildcard docs/*.md)

# Interpreters the suite runs against; PYTHONS=... overrides.
PYTHONS ?=

-include config.mak

.PHONY: all check demo bench install uninstall clean deps help

all: $(HELPER)

help:
	@echo "make            build $(HELPER)"
	@echo "make demo       edit a local of samples/seed.py under gdb, show the transcript"
	@echo "make check      install missing test dependencies, build, run the Bats suite"
	@echo "make bench      time py-hook at scale: 10, 1000, 5000 frames, both paths, dump, preload"
	@echo "make install    install under \$$(DESTDIR)\$$(PREFIX) (PREFIX=$(PREFIX))"
	@echo "make uninstall  remove what install installed"
	@echo "make clean      remove $(BUILD)/"

$(BUILD)/obj/%.o: helper/%.c helper/hookhelper.h helper/internal.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HELPER_CFLAGS) -c -o $@ $<

$(BUILD)/obj/entry_S.o: helper/entry.S helper/xstate.inc
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(HELPER_CFLAGS) -c -o $@ $<

$(HELPER): $(HELPER_OBJS) helper/libhookhelper.map
	$(CC) $(CFLAGS) $(HELPER_LDFLAGS) -o $@ $(HELPER_OBJS)

# The loader stub py-hook-inject writes into a process; gdb/pyhook/inject.py
# carries these bytes, tests/once/stub.bats checks they match.
$(BUILD)/inject.bin: helper/inject.S helper/xstate.inc
	@mkdir -p $(BUILD)/obj
	$(CC) -c -o $(BUILD)/obj/inject.o $<
	objcopy -O binary -j .text $(BUILD)/obj/inject.o $@

deps:
	@sh tests/deps.sh

check: deps all
	@bash tests/run.sh $(PYTHONS)

demo: deps all
	@sh samples/demo.sh

bench: all
	@sh bench/run.sh

install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir) $(DESTDIR)$(datadir)/gdb/pyhook $(DESTDIR)$(docdir)
	install -m 755 bin/py-hook $(DESTDIR)$(bindir)/py-hook
	install -m 644 $(HELPER) $(DESTDIR)$(libdir)/libhookhelper.so
	install -m 644 gdb/py_hook.py $(DESTDIR)$(datadir)/gdb/py_hook.py
	install -m 644 $(wildcard gdb/pyhook/*.py) $(DESTDIR)$(datadir)/gdb/pyhook/
	install -m 644 $(DOCS) $(DESTDIR)$(docdir)/

uninstall:
	rm -f $(DESTDIR)$(bindir)/py-hook
	rm -f $(DESTDIR)$(libdir)/libhookhelper.so
	rm -f $(DESTDIR)$(datadir)/gdb/py_hook.py
	rm -f $(addprefix $(DESTDIR)$(datadir)/gdb/pyhook/,$(notdir $(wildcard gdb/pyhook/*.py)))
	rm -f $(addprefix $(DESTDIR)$(docdir)/,$(notdir $(DOCS)))
	-rmdir $(DESTDIR)$(datadir)/gdb/pyhook $(DESTDIR)$(datadir)/gdb $(DESTDIR)$(datadir) $(DESTDIR)$(docdir) 2>/dev/null

clean:
	rm -rf $(BUILD)
