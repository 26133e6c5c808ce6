# gen_rows.awk - writes random rows of plain numbers, the input the CSV
# decoder hands to the calculator whole (SPAN cells), for differential
# tests: every shape of number that such rows may hold (zeros, leading
# and trailing zeros, a point first or last, 1 to 70 digits), empty
# fields and lines, LF/CRLF/CR, and with probability odd per field a
# field that must end the run: a number in another form, or not one.
# Usage: awk -v seed=N -v rows=R -v odd=P [-v delim=D] [-v width=W] -f gen_rows.awk
# [-v ragged=R] (W: the fields of most rows, random from 1 to 10 if not
# given; R: the share of rows of another width, 0.1 if not given)
function digits(n,   s, i) {
	s = ""
	for (i = 0; i < n; i++) s = s int(rand() * 10)
	return s
}
function plain(   r, s) {
	r = rand()
	if (r < 0.40) s = sprintf("%.6f", rand() * 20 - 10)
	else if (r < 0.50) s = sprintf("%.*f", int(rand() * 8), (rand() - 0.5) * 10^int(rand() * 12))
	else if (r < 0.55) s = "0"
	else if (r < 0.60) s = "-0" (rand() < 0.5 ? "" : "." digits(1 + int(rand() * 3)))
	else if (r < 0.65) s = (rand() < 0.5 ? "-" : "") "0.000" digits(1 + int(rand() * 6))
	else if (r < 0.70) s = (rand() < 0.5 ? "-" : "") digits(1 + int(rand() * 4)) "00"
	else if (r < 0.74) s = (rand() < 0.5 ? "-" : "") "." digits(1 + int(rand() * 5))
	else if (r < 0.78) s = (rand() < 0.5 ? "-" : "") (1 + int(rand() * 9)) digits(int(rand() * 4)) "."
	else if (r < 0.84) s = (rand() < 0.5 ? "-" : "") (1 + int(rand() * 9)) "." digits(int(rand() * 22))
	else if (r < 0.87) s = (rand() < 0.5 ? "-" : "") (1 + int(rand() * 9)) digits(20 + int(rand() * 50))
	else if (r < 0.90) s = "-00" digits(1 + int(rand() * 3)) "." digits(int(rand() * 3))
	else s = sprintf("%d", (rand() - 0.5) * 2e6)
	return s
}
function oddfield(   r) {
	r = int(rand() * 25)
	return r == 0 ? "00" : r == 1 ? "0.0" : r == 2 ? ".0" : r == 3 ? "0." : r == 4 ? "-" : \
	       r == 5 ? "." : r == 6 ? "-." : r == 7 ? "--1" : r == 8 ? "1-2" : r == 9 ? "1..2" : \
	       r == 10 ? "1.2.3" : r == 11 ? "+1" : r == 12 ? "1e5" : r == 13 ? "-1E-5" : \
	       r == 14 ? " 1" : r == 15 ? "nan" : r == 16 ? "-inf" : r == 17 ? "abc" : \
	       r == 18 ? "0x10" : r == 19 ? "000.000" : r == 20 ? "-" digits(90) : \
	       r == 21 ? digits(80) : r == 22 ? "1 " : r == 23 ? "-1" digits(1100) : "\t"
}
function eol(   r) {
	r = rand()
	if (r < 0.75) return "\n"
	if (r < 0.95) return "\r\n"
	return "\r"
}
BEGIN {
	srand(seed)
	if (delim == "") delim = ","
	if (rand() < 0.2) printf "\357\273\277"
	if (rand() < 0.5) printf "a%sb%sc\n", delim, delim
	if (width == "") width = 1 + int(rand() * 10)
	if (ragged == "") ragged = 0.1
	for (i = 0; i < rows; i++) {
		if (rand() < 0.03) { printf "%s", eol(); continue }
		n = rand() < ragged ? 1 + int(rand() * 12) : width
		line = ""
		for (j = 0; j < n; j++) {
			f = rand() < odd ? oddfield() : rand() < 0.04 ? "" : plain()
			line = line (j ? delim : "") f
		}
		printf "%s", line
		if (i < rows - 1 || rand() < 0.5) printf "%s", eol()
	}
}
