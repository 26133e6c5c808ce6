# lrelu - stream numbers through the Leaky ReLU activation.
# The first two targets a user needs are `make demo` and `make check`.

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN    = -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
          -Wpointer-arith -Wformat=2
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
DEFS    = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE

PKG_CONFIG ?= pkg-config
CJSON_CFLAGS = $(shell $(PKG_CONFIG) --cflags libcjson 2>/dev/null)
ZLIB_LIBS    = $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null || echo -lz)
CJSON_LIBS   = $(shell $(PKG_CONFIG) --libs libcjson 2>/dev/null || echo -lcjson)
# gzip output through libdeflate, and gzip input through ISA-L, where
# they are installed (make deps does); `make ZLIB_ONLY=1` builds with
# zlib alone.
ifeq ($(ZLIB_ONLY),1)
DEFLATE_DEFS =
DEFLATE_LIBS =
else
DEFLATE_DEFS = $(shell $(PKG_CONFIG) --exists libdeflate 2>/dev/null && echo -DLR_HAVE_LIBDEFLATE=1) \
               $(shell $(PKG_CONFIG) --exists libisal 2>/dev/null && echo -DLR_HAVE_ISAL=1)
DEFLATE_LIBS = $(shell $(PKG_CONFIG) --libs libdeflate 2>/dev/null) \
               $(shell $(PKG_CONFIG) --libs libisal 2>/dev/null)
endif
LIBS    = -lcsv $(CJSON_LIBS) $(ZLIB_LIBS) $(DEFLATE_LIBS) -lm -pthread

ALL_CFLAGS = $(WARN) $(DEFS) $(DEFLATE_DEFS) $(HARDEN) $(CJSON_CFLAGS) $(CPPFLAGS) $(CFLAGS)

CORE_SRC = src/diag.c src/paths.c src/decimal.c src/kernel.c src/half.c src/floatfmt.c src/readfloat.c src/shortest.c src/stats.c src/calc.c src/block.c src/span.c src/helper.c
SRC      = $(CORE_SRC) src/stream.c src/pgzip.c src/format.c src/options.c src/fmt_csv.c src/fmt_json.c src/keysel.c src/fmt_raw.c src/convert.c src/objrows.c src/part.c src/progress.c src/range.c src/main.c
OBJ      = $(SRC:.c=.o)
HDR      = $(wildcard src/*.h)

DEBIAN_PKGS = libcsv-dev libcjson-dev zlib1g-dev libdeflate-dev libisal-dev pkg-config bats mandoc \
              gnuplot-nox parallel zsh fish strace tabix

.PHONY: pow10 check-shortest fuzz fuzz-deps cluster-deps all deps demo check test unit bats check-full check-oracle check-asan check-valgrind check-zlib check-cluster bench plot \
	install uninstall clean

all: lrelu

lrelu: $(OBJ)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(LIBS)

src/%.o: src/%.c $(HDR)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

tests/unit: tests/unit.c tests/shortest_ref.c $(CORE_SRC) $(HDR)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ tests/unit.c tests/shortest_ref.c $(CORE_SRC) -lm -pthread

# Installs the Debian packages the build and tests need, when missing.
deps:
	@sh tests/deps.sh $(DEBIAN_PKGS)

# The main job on the shipped samples.
demo: deps
	$(MAKE) lrelu
	./lrelu --slope 0.2 samples/features.csv
	./lrelu --slope 0.1 --columns 3- samples/activations.csv

tests/torture: tests/torture.c
	$(CC) $(WARN) $(CFLAGS) $(LDFLAGS) -o $@ tests/torture.c

unit: tests/unit
	./tests/unit

bats: lrelu tests/torture
	LRELU=$(CURDIR)/lrelu bats tests/

# The random suites take every TEST_SAMPLE-th of their cases, from
# TEST_OFFSET on (tests/helper.bash): make check every 4th from a random
# place, which tests/run.sh prints (give TEST_OFFSET=N to repeat a run);
# make check-full takes every case.
TEST_SAMPLE ?= 4
ifndef TEST_OFFSET
TEST_OFFSET := $(shell od -An -N2 -tu2 /dev/urandom | tr -d ' ')
endif
export TEST_OFFSET

# Two suite files at a time. Not two tests of a file: GNU parallel's
# start for each test costs more than the second processor gives (the
# suite took 185 s that way, 152 s one test at a time, 110 s two files
# at a time).
BATS_JOBS = --jobs 2 --no-parallelize-within-files

# Everything: unit tests, then the command-line suites; the last line is
# the summary over both.
check: deps
	$(MAKE) -j2 lrelu tests/unit tests/torture
	TEST_SAMPLE=$(TEST_SAMPLE) BATS_JOBS="$(BATS_JOBS)" LRELU=$(CURDIR)/lrelu sh tests/run.sh

check-full:
	$(MAKE) check TEST_SAMPLE=1

test: check

# The suite again on a build with AddressSanitizer and UBSan (in
# build-asan/). Each run of the binary costs ten times what it does on
# the plain build, so the random suites take 1 case in ASAN_SAMPLE and
# the torture tests every TORTURE_STRIDE-th byte, from a place that
# moves with TEST_OFFSET; leaks are left to Valgrind and the fuzzers
# (LeakSanitizer's scan at exit costs 50 ms a run). The suites of the
# documentation, make install and GNU parallel's recipes are left out:
# the paths of the binary they run, the others run too. `make check-asan
# ASAN_SAMPLE=1 TORTURE_STRIDE=1 ASAN_SUITES=tests/` takes every case.
SAN_FLAGS = -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
ASAN_SAMPLE ?= 16
TORTURE_STRIDE ?= 16
ASAN_SUITES ?= $(filter-out tests/docs.bats tests/install.bats tests/parallel.bats,$(sort $(wildcard tests/*.bats)))
check-asan: deps
	rm -rf build-asan
	$(MAKE) -j2 build-asan/lrelu build-asan/unit
	./build-asan/unit
	$(MAKE) tests/torture
	ASAN_OPTIONS=detect_leaks=0 TEST_SAMPLE=$(ASAN_SAMPLE) TORTURE_STRIDE=$(TORTURE_STRIDE) \
		LRELU=$(CURDIR)/build-asan/lrelu bats --timing $(BATS_JOBS) $(ASAN_SUITES)

# The objects of the sanitizer build, two compilers at a time.
ASAN_OBJ = $(patsubst src/%.c,build-asan/%.o,$(SRC))
build-asan/%.o: src/%.c $(HDR)
	@mkdir -p build-asan
	$(CC) $(WARN) $(DEFS) $(DEFLATE_DEFS) $(CJSON_CFLAGS) $(SAN_FLAGS) -c -o $@ $<
build-asan/lrelu: $(ASAN_OBJ)
	$(CC) $(SAN_FLAGS) -o $@ $(ASAN_OBJ) $(LIBS)
build-asan/unit: tests/unit.c tests/shortest_ref.c $(CORE_SRC) $(HDR)
	@mkdir -p build-asan
	$(CC) $(WARN) $(DEFS) $(SAN_FLAGS) -Isrc -o $@ tests/unit.c tests/shortest_ref.c $(CORE_SRC) -lm -pthread

# The build with zlib alone (make ZLIB_ONLY=1), in build-zlib/, through
# the suites that write gzip.
ZLIB_OBJ = $(patsubst src/%.c,build-zlib/%.o,$(SRC))
build-zlib/%.o: src/%.c $(HDR)
	@mkdir -p build-zlib
	$(CC) $(WARN) $(DEFS) $(HARDEN) $(CJSON_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<
build-zlib/lrelu: $(ZLIB_OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(ZLIB_OBJ) -lcsv $(CJSON_LIBS) $(ZLIB_LIBS) -lm -pthread
check-zlib: deps
	rm -rf build-zlib
	$(MAKE) -j2 build-zlib/lrelu
	! ldd build-zlib/lrelu | grep -q -e libdeflate -e libisal
	LRELU=$(CURDIR)/build-zlib/lrelu bats $(BATS_JOBS) tests/gzip.bats tests/batch.bats

# The shipped build under Valgrind (uninitialised reads, definite
# leaks): the unit test on 1 case in 20 of its random ones, then the
# suites that take every sample, format and conversion through it. A
# run costs 0.7 s there; `make check-valgrind VALGRIND_SUITES=tests/`
# runs the whole suite (about 10 minutes on two cores, at TEST_SAMPLE=8).
VALGRIND_SUITES ?= tests/samples.bats tests/convert.bats tests/realworld.bats tests/gzip.bats \
                   tests/stats.bats tests/plot.bats
check-valgrind: deps
	@sh tests/deps.sh valgrind
	$(MAKE) -j2 lrelu tests/unit tests/torture
	UNIT_SAMPLE=20 valgrind -q --error-exitcode=99 ./tests/unit
	TORTURE_STRIDE=25 TEST_SAMPLE=8 \
		LRELU_WRAP="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
		LRELU=$(CURDIR)/lrelu bats --timing $(BATS_JOBS) $(VALGRIND_SUITES)

# libFuzzer harnesses (clang): the whole program on one input per decoder,
# and decimal.c's arithmetic. `make fuzz FUZZ_SECONDS=N` runs each for N
# seconds (tests/fuzz/run.sh says how to replay a crash).
FUZZ_SECONDS ?= 60
FUZZ_CC    ?= clang
FUZZ_FLAGS  = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
# Small buffers: buffer edges come every few hundred bytes, and a run
# allocates little, so the harness runs thousands of times a second.
SMALL_BUFS  = -DLR_STREAM_BUFSIZE=4096 -DLR_BLOCK_MAX_VALUES=256 -DCSV_FEED=64 \
              -DCSV_CELLS_HIGH=64 -DCSV_TEXT_HIGH=1024 -DCSV_FIELD_MAX=16384 \
              -DJSON_ELEM_MAX=16384 -DJSON_CELLS_HIGH=64 -DJSON_TEXT_HIGH=1024 \
              -DCONV_VALUES=256
FUZZ_PIPE   = csv:1 json:2 ndjson:3 binary:4 gzip:5
FUZZ_BINS   = $(foreach p,$(FUZZ_PIPE),build-fuzz/fuzz_$(firstword $(subst :, ,$(p)))) \
              build-fuzz/fuzz_decimal

# The program's objects are built once and linked into each harness.
FUZZ_OBJ    = $(patsubst src/%.c,build-fuzz/obj/%.o,$(SRC))
.SECONDARY: $(FUZZ_OBJ)

fuzz: fuzz-deps
	rm -rf $(FUZZ_BINS) build-fuzz/obj
	$(MAKE) -j2 $(FUZZ_BINS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh

build-fuzz/obj/%.o: src/%.c $(HDR)
	@mkdir -p build-fuzz/obj
	$(FUZZ_CC) $(WARN) -Wno-missing-prototypes $(DEFS) $(DEFLATE_DEFS) $(CJSON_CFLAGS) $(FUZZ_FLAGS) $(SMALL_BUFS) -Dmain=lrelu_main -Isrc \
		-c -o $@ $<

build-fuzz/fuzz_%: tests/fuzz/fuzz_pipeline.c $(FUZZ_OBJ)
	$(FUZZ_CC) $(WARN) -Wno-missing-prototypes $(DEFS) $(DEFLATE_DEFS) $(CJSON_CFLAGS) $(FUZZ_FLAGS) $(SMALL_BUFS) -Isrc \
		-DFUZZ_TARGET=$(patsubst $*:%,%,$(filter $*:%,$(FUZZ_PIPE))) \
		-o $@ tests/fuzz/fuzz_pipeline.c $(FUZZ_OBJ) $(LIBS)

build-fuzz/fuzz_decimal: tests/fuzz/fuzz_decimal.c src/decimal.c src/paths.c $(HDR)
	@mkdir -p build-fuzz
	$(FUZZ_CC) $(WARN) $(DEFS) $(FUZZ_FLAGS) -Isrc -o $@ tests/fuzz/fuzz_decimal.c src/decimal.c src/paths.c src/diag.c

# What fuzz and check-cluster install when missing (CI installs both
# before it runs them side by side: one package manager at a time).
fuzz-deps: deps
	@sh tests/deps.sh clang libclang-rt-dev
cluster-deps:
	@sh tests/deps.sh $(CLUSTER_PKGS)

# Optional: the README's scale-out recipes on real engines brought up on
# loopback only (GNU parallel over two sshd, Dask, a one-node SLURM
# cluster), each compared with a serial run; ROWS sets the file size.
CLUSTER_PKGS = slurm-wlm munge openssh-server openssh-client python3-distributed python3-dask \
               parallel bc util-linux
check-cluster: cluster-deps lrelu
	LRELU=$(CURDIR)/lrelu sh tests/cluster/run.sh

# Optional: bit-for-bit comparison with PyTorch where python3-torch is installed.
check-oracle: lrelu
	LRELU=$(CURDIR)/lrelu sh tests/oracle/run.sh

# The long check of the shortest-digit printer (about 45 minutes on two
# cores): every float32 and 10^8 random float64 patterns against strtof,
# strtod and the C library's %.*e, and every integer below 10^8. Not part
# of make check.
SHORTEST_F64 ?= 100000000
tests/shortest_check: tests/shortest_check.c src/shortest.c src/half.c src/paths.c src/diag.c $(HDR)
	$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ tests/shortest_check.c src/shortest.c src/half.c src/paths.c src/diag.c -lm

check-shortest: tests/shortest_check
	./tests/shortest_check ints
	./tests/shortest_check f64 $(SHORTEST_F64)
	./tests/shortest_check f32

tests/bench/shortest_bench: tests/bench/shortest_bench.c tests/shortest_ref.c src/shortest.c src/half.c src/paths.c src/diag.c $(HDR)
	$(CC) $(ALL_CFLAGS) -Isrc -Itests $(LDFLAGS) -o $@ tests/bench/shortest_bench.c tests/shortest_ref.c src/shortest.c src/half.c src/paths.c src/diag.c -lm

bench: lrelu tests/bench/shortest_bench
	LRELU=$(CURDIR)/lrelu sh tests/bench/bench.sh

# samples/curves.png, shown in the README, from lrelu --range and gnuplot.
plot: lrelu
	LRELU=$(CURDIR)/lrelu sh samples/curves.sh

# src/pow10.h and src/pow5.h, the tables of powers of ten and five for
# shortest.c and readfloat.c (committed).
pow10:
	python3 src/mkpow10.py > src/pow10.h.tmp && mv src/pow10.h.tmp src/pow10.h
	python3 src/mkpow10.py read > src/pow5.h.tmp && mv src/pow5.h.tmp src/pow5.h

install: lrelu
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR) \
		$(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 755 lrelu $(DESTDIR)$(BINDIR)/lrelu
	install -m 644 man/lrelu.1 $(DESTDIR)$(MANDIR)/man1/lrelu.1
	install -m 644 completions/lrelu.bash $(DESTDIR)$(BASHCOMPDIR)/lrelu
	install -m 644 completions/_lrelu $(DESTDIR)$(ZSHCOMPDIR)/_lrelu
	install -m 644 completions/lrelu.fish $(DESTDIR)$(FISHCOMPDIR)/lrelu.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/lrelu $(DESTDIR)$(MANDIR)/man1/lrelu.1 \
		$(DESTDIR)$(BASHCOMPDIR)/lrelu $(DESTDIR)$(ZSHCOMPDIR)/_lrelu \
		$(DESTDIR)$(FISHCOMPDIR)/lrelu.fish

clean:
	rm -f lrelu $(OBJ) tests/unit tests/torture tests/shortest_check tests/bench/shortest_bench
	rm -rf build-asan build-fuzz build-zlib
