# gen_json.awk - writes random JSON for differential tests: nested
# objects and arrays, strings with escapes (\n \" \\ \/ \u00e9, surrogate
# pairs, broken ones), numbers in every form (and some RFC 8259 forbids),
# literals, odd white space; with mutate=1 some bytes are dropped,
# doubled or replaced so that many elements are invalid.
# Usage: awk -v seed=N -v n=COUNT [-v mutate=1] [-v ndjson=1] -f gen_json.awk
function num(   r) {
	r = rand()
	if (r < 0.05) return "-0"
	if (r < 0.15) return sprintf("%.3e", (rand() - 0.5) * 1e6)
	if (r < 0.25) return sprintf("%d", (rand() - 0.5) * 1e9)
	if (r < 0.27) return substr("01 +1 .5 1. 1e -", 1 + 3 * int(rand() * 5), 2)
	return sprintf("%.*f", int(rand() * 9), (rand() - 0.5) * 2000)
}
function str(   r) {
	r = rand()
	if (r < 0.4) return "\"k" int(rand() * 100) "\""
	if (r < 0.55) return "\"a\\nb\\\"c\\\\d\\/\""
	if (r < 0.65) return "\"\\u00e9t\\u00E9\""
	if (r < 0.70) return "\"\\ud83d\\ude00\""
	if (r < 0.72) return "\"\\ud83d x\""
	if (r < 0.74) return "\"bad \\q escape\""
	return "\"text " int(rand() * 1000) "\""
}
function ws() { return rand() < 0.8 ? "" : substr(" \n\t  \r\n", 1 + int(rand() * 5), 1 + int(rand() * 2)) }
function value(d,   r, k, i, s) {
	r = rand()
	if (d > 4 || r < 0.45) return num()
	if (r < 0.55) return str()
	if (r < 0.60) return substr("truefalsenull", 1 + 4 * int(rand() * 3), 4 + (rand() < 0.3))
	if (r < 0.80) {
		k = int(rand() * 5); s = "[" ws()
		for (i = 0; i < k; i++) s = s (i ? "," ws() : "") value(d + 1) ws()
		return s "]"
	}
	k = int(rand() * 4); s = "{" ws()
	for (i = 0; i < k; i++) s = s (i ? "," : "") ws() str() ws() ":" ws() value(d + 1)
	return s "}"
}
function damage(s,   p, r) {
	if (!mutate || rand() < 0.6 || length(s) < 2) return s
	p = 1 + int(rand() * length(s)); r = rand()
	if (r < 0.33) return substr(s, 1, p - 1) substr(s, p + 1)
	if (r < 0.66) return substr(s, 1, p) substr(s, p)
	return substr(s, 1, p - 1) substr(",:[]{}\"x0", 1 + int(rand() * 9), 1) substr(s, p + 1)
}
BEGIN {
	srand(seed)
	if (ndjson) {
		for (j = 0; j < n; j++) print damage(value(0))
		exit
	}
	printf "[" ws()
	for (j = 0; j < n; j++) printf "%s%s%s", (j ? "," ws() : ""), damage(value(1)), ws()
	print "]"
}
