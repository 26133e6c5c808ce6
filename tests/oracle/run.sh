#!/bin/sh
# run.sh - the optional oracle checks (make check-oracle): lrelu against
# Python's json module (strict mode), numpy's .npy reader, a pandas round
# trip, PyTorch and Python's decimal and fractions modules. Each runs where
# /usr/bin/python3 has what it needs (Debian: python3-numpy,
# python3-pandas, python3-torch) and is skipped otherwise.
set -u
cd "$(dirname "$0")/../.." || exit 3
py=/usr/bin/python3
export LRELU=${LRELU:-./lrelu}
status=0
$py tests/oracle/json_validity.py || status=1
$py tests/oracle/decimal_exact.py || status=1
$py tests/oracle/text_binary.py || status=1
if $py -c 'import numpy' 2>/dev/null; then
	$py tests/oracle/npy_shapes.py || status=1
	if $py -c 'import pandas' 2>/dev/null; then
		$py tests/oracle/pandas_roundtrip.py || status=1
	else
		echo "check-oracle: python3-pandas is not installed; the pandas round trip skipped"
	fi
else
	echo "check-oracle: python3-numpy is not installed; .npy shapes skipped"
fi
if $py -c 'import numpy, torch' 2>/dev/null; then
	$py tests/oracle/torch_f32.py || status=1
	$py tests/oracle/torch_binary.py || status=1
else
	echo "check-oracle: python3-torch is not installed; PyTorch checks skipped"
	echo "(install them with: apt-get install python3-numpy python3-torch)"
fi
exit $status
