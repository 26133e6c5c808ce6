#!/usr/bin/env bats
# make install and uninstall into a DESTDIR, with PREFIX.

load helper

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
