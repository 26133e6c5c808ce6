# gen_numbers.awk - rows of numbers of every shape a writer makes, for the
# suites that compare two paths of one computation: short and long
# (to 25 digits), leading and trailing zeros, a point anywhere, signs,
# exponents, zeros of both signs, values near float32's and float64's
# limits and subnormals, just above float32 halfway points, NaN and
# infinities (CSV only).
# Variables: seed, rows, cols, json (1: NDJSON arrays, 0: CSV).
function digits(n,    s, i) {
	s = ""
	for (i = 0; i < n; i++)
		s = s int(rand() * 10)
	return s
}
function zeros(n,    s) {
	s = ""
	while (n-- > 0)
		s = s "0"
	return s
}
function number(    r, s, k) {
	r = rand()
	if (r < 0.30)
		s = int(rand() * 10) "." digits(1 + int(rand() * 8))
	else if (r < 0.45)
		s = digits(1 + int(rand() * 25))
	else if (r < 0.60)
		s = digits(1 + int(rand() * 12)) "." digits(1 + int(rand() * 13))
	else if (r < 0.68)
		s = "0." zeros(int(rand() * 30)) digits(1 + int(rand() * 19))
	else if (r < 0.72)
		s = "0." zeros(300 + int(rand() * 30)) digits(1 + int(rand() * 6))
	else if (r < 0.76)
		s = digits(1 + int(rand() * 3)) zeros(30 + int(rand() * 290))
	else if (r < 0.84)
		s = (1 + int(rand() * 9)) "." digits(1 + int(rand() * 10)) "e" \
		    (rand() < 0.5 ? "-" : "") int(rand() * 330)
	else if (r < 0.88)
		s = rand() < 0.5 ? "0" : "0.0" zeros(int(rand() * 4))
	else if (r < 0.92)
		s = "3.4028234" digits(int(rand() * 4)) "e38"
	else if (r < 0.95)
		s = "1." digits(1 + int(rand() * 17)) "e-" (37 + int(rand() * 10))
	else if (r < 0.96) {
		# just above a float32 halfway point, at 19 digits: float64
		# first would land on the halfway point, then round to even
		k = int(rand() * 3)
		s = k == 0 ? "1.000000059604644776" : k == 1 ? "1.500000059604644776" \
			   : "3.000000119209289551"
	} else if (!json && r < 0.97)
		s = rand() < 0.5 ? "nan" : "inf"
	else
		s = digits(19)
	while (json && s ~ /^0[0-9]/)
		s = substr(s, 2) # JSON has no leading zeros
	k = rand()
	if (k < 0.55)
		s = "-" s
	else if (!json && k < 0.58)
		s = "+" s
	return s
}
BEGIN {
	srand(seed)
	if (!json)
		print "a,b,c,d"
	for (i = 0; i < rows; i++) {
		line = ""
		for (j = 0; j < cols; j++)
			line = line (j ? "," : "") number()
		print json ? "[" line "]" : line
	}
}
