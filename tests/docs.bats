#!/usr/bin/env bats
# The man page, the completions and --help tell the same story, and every
# example in the man page runs.

load helper

@test "the man page is mandoc -Tlint clean" {
	command -v mandoc >/dev/null || skip "mandoc is not installed (make deps)"
	run mandoc -Tlint -W warning "$ROOT/man/lrelu.1"
	expect_status 0
	expect_output ''
}

@test "every long option of --help is in the man page and every completion" {
	local o f bad=0
	for o in $("$LRELU" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		grep -qE -- "Fl \\\\?-?${o#--}\\b|Fl \\\\-${o#--}" "$ROOT/man/lrelu.1" ||
			{ echo "man page lacks $o" >&2; bad=1; }
		for f in "$ROOT"/completions/*; do
			grep -qE -- "(--|-l )${o#--}\\b|'${o#--}'" "$f" ||
				{ echo "$f lacks $o" >&2; bad=1; }
		done
	done
	[ "$bad" -eq 0 ]
}

@test "the man page SYNOPSIS has every option --help lists" {
	local syn o bad=0
	syn=$(sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$ROOT/man/lrelu.1")
	for o in $("$LRELU" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
		case $o in
		--slope | --mode | --columns | --delimiter | --from | --to | --output | --gzip | --in-place | --threads | --help | --version)
			continue ;; # given by their short forms
		esac
		printf '%s\n' "$syn" | grep -qE -- "${o#--}" || { echo "SYNOPSIS lacks $o" >&2; bad=1; }
	done
	[ "$bad" -eq 0 ]
}

@test "every EXAMPLES command in the man page runs on the samples" {
	local cmd n=0
	while IFS= read -r cmd; do
		n=$((n + 1))
		(cd "$ROOT" && PATH="$(dirname "$LRELU"):$PATH" bash -c "$cmd" >/dev/null) ||
			{ echo "example failed: $cmd" >&2; return 1; }
	done < <(sed -n '/^\.Sh EXAMPLES/,/^\.Sh /s/^\.Dl \$ //p' "$ROOT/man/lrelu.1" | sed 's/\\-/-/g')
	[ "$n" -ge 5 ]
}

@test "bash completion offers options, their values, header names and any file" {
	run bash -c "
		source '$ROOT/completions/lrelu.bash'
		complete -p lrelu
		COMP_WORDS=(lrelu --mo); COMP_CWORD=1; _lrelu; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(lrelu -m g); COMP_CWORD=2; _lrelu; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(lrelu --mode = g); COMP_CWORD=3; _lrelu; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(lrelu --dtype=f); COMP_CWORD=1; _lrelu; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(lrelu --to = n); COMP_CWORD=3; _lrelu; echo \"\${COMPREPLY[*]}\"
		cd '$ROOT/samples'
		COMP_WORDS=(lrelu activations.csv -c pre); COMP_CWORD=3; _lrelu; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(lrelu feat); COMP_CWORD=1; _lrelu; printf '%s\\n' \"\${COMPREPLY[@]}\" | sort | paste -sd ' '
		COMP_WORDS=(lrelu curves.); COMP_CWORD=1; _lrelu; printf '%s\\n' \"\${COMPREPLY[@]}\" | sort | paste -sd ' '"
	expect_status 0
	expect_output $'complete -o filenames -F _lrelu lrelu\n--mode=\ngrad\ngrad\nf64 f32\nndjson npy\npre0 pre1 pre2\nfeatures.csv features.csv.gz features.tsv\ncurves.png curves.sh'
}

@test "the zsh and fish completions parse" {
	if command -v zsh >/dev/null; then zsh -n "$ROOT/completions/_lrelu"; fi
	if command -v fish >/dev/null; then fish -n "$ROOT/completions/lrelu.fish"; fi
	bash -n "$ROOT/completions/lrelu.bash"
}
