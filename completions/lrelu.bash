# bash completion for lrelu
# Values after an option, also written --option=value; column names from
# the header of the CSV file on the line after -c; any file otherwise.

# _lrelu_header: the header names of the first readable file among the
# words of the line, one per line.
_lrelu_header() {
	local w delim=,
	for w in "${COMP_WORDS[@]:1}"; do
		[[ $w == -* || ! -f $w || ! -r $w ]] && continue
		[[ $w == *.tsv || $w == *.tsv.gz ]] && delim=$'\t'
		if [[ $w == *.gz ]]; then gzip -dc -- "$w" 2>/dev/null; else cat -- "$w"; fi |
			head -n 1 | tr -d '\r' | tr "$delim" '\n'
		return
	done
}

_lrelu() {
	local cur prev values=
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	# --mode=gr arrives as "--mode" "=" "gr" where '=' breaks words
	if [[ $cur == = ]]; then
		cur=
	elif [[ $prev == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	elif [[ $cur == --*=* ]]; then
		prev=${cur%%=*}
		cur=${cur#*=}
	fi
	case $prev in
	-m | --mode) values='forward grad prelu inverse identity' ;;
	--endian) values='little big' ;;
	--dtype) values='exact f64 f32' ;;
	--zero-grad) values='slope one' ;;
	--stats) values='text json' ;;
	--json-rows) values='objects arrays' ;;
	-f | --from | -t | --to) values='csv tsv json ndjson f32 f64 f16 bf16 npy' ;;
	-c | --columns)
		local IFS=$'\n'
		mapfile -t COMPREPLY < <(compgen -W "$(_lrelu_header)" -- "$cur")
		return ;;
	-s | --slope | --precision | --channels | --level | -j | --threads | --range | -d | --delimiter | \
		--skip-rows | --comment | --na)
		return ;;
	-o | --output)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	if [[ -n $values ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '--slope --mode= --dtype= --precision --zero-grad=
			--columns --delimiter --header --no-header --skip-invalid --skip-rows --comment= --na= --pretty --allow-nan --json-rows= --endian= --channels --from= --to=
			--output --in-place --keep-headers --part --byte-range --index --gzip --level --threads --stats --stats=json
			--progress --no-progress --range --with-input --unbuffered --help --version
			-s -m -c -d -f -t -o -i -z -j -h -V' -- "$cur")
		[[ ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
		return
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -o filenames -F _lrelu lrelu
