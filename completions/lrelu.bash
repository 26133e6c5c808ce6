# bash completion for lrelu
_lrelu() {
	local cur prev
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	case $prev in
	-m | --mode)
		mapfile -t COMPREPLY < <(compgen -W 'forward grad prelu inverse identity' -- "$cur")
		return ;;
	--endian)
		mapfile -t COMPREPLY < <(compgen -W 'little big' -- "$cur")
		return ;;
	--dtype)
		mapfile -t COMPREPLY < <(compgen -W 'exact f64 f32' -- "$cur")
		return ;;
	--zero-grad)
		mapfile -t COMPREPLY < <(compgen -W 'slope one' -- "$cur")
		return ;;
	-f | --from | -t | --to)
		mapfile -t COMPREPLY < <(compgen -W 'csv tsv json ndjson f32 f64 f16 bf16 npy' -- "$cur")
		return ;;
	-s | --slope | --precision | --channels | --level | -j | --threads | --range | -c | --columns | -d | --delimiter)
		return ;;
	-o | --output)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W '--slope --mode --dtype --precision --zero-grad
			--columns --delimiter --header --no-header --skip-invalid --skip-rows --comment= --na= --pretty --allow-nan --endian --channels --from --to
			--output --in-place --keep-headers --gzip --level --threads --stats --stats=json
			--progress --no-progress --range --with-input --unbuffered --help --version
			-s -m -c -d -f -t -o -i -z -j -h -V' -- "$cur")
		return
	fi
	local f
	COMPREPLY=()
	while IFS= read -r f; do
		if [[ -d $f || $f == *.csv || $f == *.tsv || $f == *.tab || $f == *.json || $f == *.ndjson || $f == *.jsonl ||
			$f == *.f32 || $f == *.f64 || $f == *.f16 || $f == *.bf16 || $f == *.npy ||
			$f == *.gz ]]; then
			COMPREPLY+=("$f")
		fi
	done < <(compgen -f -- "$cur")
}
complete -o filenames -F _lrelu lrelu
