#!/usr/bin/env bats
# make install and uninstall into a DESTDIR, with PREFIX.

load helper

# Both tests run make in the source tree. Under bats --jobs they would
# run at once, and on a clean clone (where ./lrelu is not built yet, as
# in CI's check-asan) two makes would compile and link the same objects
# together: the link then fails. So one build first, and one test at a
# time.
BATS_NO_PARALLELIZE_WITHIN_FILE=true

setup_file() {
	make -C "$ROOT" -s lrelu >/dev/null
}

@test "make install puts the binary, man page and three completions in place" {
	run make -C "$ROOT" -s install DESTDIR="$SCRATCH/root" PREFIX=/usr/local
	expect_status 0
	local f
	for f in bin/lrelu share/man/man1/lrelu.1 share/bash-completion/completions/lrelu \
		share/zsh/site-functions/_lrelu share/fish/vendor_completions.d/lrelu.fish; do
		[ -f "$SCRATCH/root/usr/local/$f" ] || { echo "missing $f" >&2; return 1; }
	done
	[ -x "$SCRATCH/root/usr/local/bin/lrelu" ]
	run "$SCRATCH/root/usr/local/bin/lrelu" --version
	expect_status 0
}

@test "make uninstall removes every file it installed" {
	make -C "$ROOT" -s install DESTDIR="$SCRATCH/root" PREFIX=/opt/x
	run make -C "$ROOT" -s uninstall DESTDIR="$SCRATCH/root" PREFIX=/opt/x
	expect_status 0
	[ -z "$(find "$SCRATCH/root" -type f)" ]
}

@test "the benchmark's and the long check's programs build" {
	# make bench and make check-shortest are not part of make check;
	# their programs link part of src/, which a change there can break
	run make -C "$ROOT" -s tests/bench/shortest_bench tests/shortest_check
	expect_status 0
	[ -x "$ROOT/tests/bench/shortest_bench" ] && [ -x "$ROOT/tests/shortest_check" ]
}
