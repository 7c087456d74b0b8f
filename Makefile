# papercut: plain Makefile. `make` builds ./papercut and ./papercut-full
# (papercut.c says why two; warnings are errors),
# `make test` builds with AddressSanitizer + UBSan and runs every test,
# `make demo` runs the whole pipeline on data/sample.

CC      ?= gcc
PREFIX  ?= /usr/local
VERSION  = 0.1.0

PKGS     = sqlite3 libpcre2-8 xlsxwriter inih libxxhash
CPPFLAGS = -D_GNU_SOURCE -DPAPERCUT_VERSION='"$(VERSION)"' -Ibuild/gen -I/usr/include/libxml2
WARN     = -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes \
           -Wmissing-prototypes -Wno-format-nonliteral
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS)
SAN      = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LIBS     = -lsqlite3 -lpcre2-8 -lhs -lxlsxwriter -linih -lxxhash -lcsv -lcmark -lxml2 \
           -lzip -ljansson -lyajl -lpthread -lm
LIGHT_LIBS = -lsqlite3 -lcsv -lpthread -lm

SRC  = $(wildcard core/*.c ingest/*.c analyze/*.c report/*.c)
HDR  = $(wildcard core/*.h ingest/*.h analyze/*.h report/*.h)
UNIT = $(wildcard tests/unit/test_*.c)
GEN  = build/gen/schema.inc build/gen/decisions.inc

# what the light papercut runs: the commands that read (papercut.c)
LIGHT_SRC = $(filter-out core/codebook.c,$(wildcard core/*.c)) $(wildcard analyze/*.c)

REL_OBJ  = $(SRC:%.c=build/rel/%.o)
TEST_OBJ = $(SRC:%.c=build/test/%.o)

.PHONY: all deps test-deps test unit e2e checksrc demo install uninstall clean bench

all: papercut papercut-full

deps:
	@scripts/install-deps.sh

test-deps:
	@scripts/install-deps.sh test

# the SQL files as C strings; kept, not removed as intermediates
.SECONDARY: $(GEN)
build/gen/%.inc: data/%.sql
	@mkdir -p $(@D)
	sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $< > $@

build/rel/%.o: %.c $(HDR) $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

# the tests' Bloom filter of names is small (ingest/names.h)
build/test/%.o: %.c $(HDR) $(GEN)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DNAME_FILTER_BITS=16384 $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

build/rel/papercut-light.o: papercut.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DPAPERCUT_LIGHT $(ALL_CFLAGS) -c -o $@ $<

build/test/papercut-light.o: papercut.c $(HDR)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -DPAPERCUT_LIGHT $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

papercut: build/rel/papercut-light.o $(LIGHT_SRC:%.c=build/rel/%.o)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIGHT_LIBS)

papercut-full: build/rel/papercut.o $(REL_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/test/papercut: build/test/papercut-light.o $(LIGHT_SRC:%.c=build/test/%.o) \
		build/test/papercut-full
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $(filter %.o,$^) $(LIGHT_LIBS)

build/test/papercut-full: build/test/papercut.o $(TEST_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(LIBS)

build/test/unit/%: tests/unit/%.c $(TEST_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -O1 $(SAN) -o $@ $< $(TEST_OBJ) $(LIBS) -lcmocka

unit: $(UNIT:tests/unit/%.c=build/test/unit/%)
	@for t in $^; do echo "== $$t"; ASAN_OPTIONS=detect_leaks=1 $$t || exit 1; done

e2e: build/test/papercut
	@tests/run-e2e.sh build/test/papercut

checksrc:
	@scripts/checksrc

# The developer build first (warnings are errors there too), then the
# sanitizer-built tests; the last line is the e2e runner's 'N passed, N failed'.
test: test-deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory checksrc unit e2e

demo: deps
	@$(MAKE) --no-print-directory all
	rm -f out/demo.db out/demo.db-wal out/demo.db-shm
	@mkdir -p out
	./papercut --db out/demo.db ingest --batch sample data/sample
	./papercut --db out/demo.db analyze --table matrix
	./papercut --db out/demo.db report --out out
	@echo
	@echo "The report is in $(CURDIR)/out: open out/index.html in a browser;"
	@echo "also papercuts.xlsx, the charts (.svg, .png) and briefs/<character>.md."
	@echo "The database is out/demo.db: try ./papercut --db out/demo.db search gdb"

# make bench MB=1024 for the 1 GB run of BENCHMARKS.md
MB ?= 100
bench:
	@scripts/install-deps.sh bench
	scripts/bench $(MB)

install: papercut papercut-full
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/papercut \
		$(DESTDIR)$(PREFIX)/share/papercut/codebook
	install -m 755 papercut $(DESTDIR)$(PREFIX)/bin/papercut
	install -m 755 papercut-full $(DESTDIR)$(PREFIX)/libexec/papercut/papercut-full
	install -m 644 data/codebook/*.ini $(DESTDIR)$(PREFIX)/share/papercut/codebook/

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/papercut
	rm -rf $(DESTDIR)$(PREFIX)/libexec/papercut
	rm -rf $(DESTDIR)$(PREFIX)/share/papercut

clean:
	rm -rf build papercut papercut-full out
