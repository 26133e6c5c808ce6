#!/bin/sh
# run.sh - the optional oracle checks (make check-oracle): lrelu against
# PyTorch and Python's decimal module. Needs /usr/bin/python3 with numpy
# and torch (Debian: python3-numpy python3-torch); skips otherwise.
set -u
cd "$(dirname "$0")/../.." || exit 3
py=/usr/bin/python3
if ! $py -c 'import numpy, torch' 2>/dev/null; then
	echo "check-oracle: python3-numpy and python3-torch are not installed; skipped"
	echo "(install them with: apt-get install python3-numpy python3-torch)"
	exit 0
fi
export LRELU=${LRELU:-./lrelu}
status=0
$py tests/oracle/torch_f32.py || status=1
$py tests/oracle/torch_binary.py || status=1
exit $status
