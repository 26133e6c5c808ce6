# gen_csv.awk - writes a random but well-formed CSV for differential
# tests: quoted fields with separators, doubled quotes and line breaks,
# empty fields, blank lines, LF/CRLF/CR line ends, rows of varying and
# sometimes great length, an optional BOM and missing final newline.
# Usage: awk -v seed=N -v rows=R -f gen_csv.awk
function num(   r) {
	r = rand()
	if (r < 0.1) return "-0"
	if (r < 0.2) return sprintf("%.3e", (rand() - 0.5) * 1e6)
	if (r < 0.3) return sprintf("%d", (rand() - 0.5) * 1e9)
	return sprintf("%.*f", int(rand() * 9), (rand() - 0.5) * 2000)
}
function field(   r) {
	r = rand()
	if (r < 0.55) return num()
	if (r < 0.65) return ""
	if (r < 0.72) return "\"" num() "\""
	if (r < 0.80) return "\"a,b\"\"c\""
	if (r < 0.85) return "\"line\nbreak\""
	if (r < 0.88) return "\"cr\r\nlf\""
	if (r < 0.95) return "text"
	return " " num() " "
}
function eol(   r) {
	r = rand()
	if (r < 0.7) return "\n"
	if (r < 0.95) return "\r\n"
	return "\r"
}
BEGIN {
	srand(seed)
	if (rand() < 0.3) printf "\357\273\277"
	for (i = 0; i < rows; i++) {
		if (rand() < 0.05) { printf "%s", eol(); continue }
		long = rand() < 0.03
		n = long ? 700 + int(rand() * 300) : 1 + int(rand() * 8)
		# half the long rows are numbers only: longer than one decoder
		# chunk without a quote
		plain = long && rand() < 0.5
		line = plain ? num() : field()
		for (j = 1; j < n; j++) line = line "," (plain ? num() : field())
		printf "%s", line
		if (i < rows - 1 || rand() < 0.5) printf "%s", eol()
	}
}
