#!/bin/bash
# layercheck.sh LAYER... - fail when a file under src/ includes a layer
# above its own, or a project header by a path without its layer.
#
# The layers are given lowest first (the Makefile's LAYERS); a file in
# src/L/ may include "M/x.h" only when M is L or comes before L.  Since
# every project include names its folder, this is also what keeps the
# folders free of cycles: an include across layers only ever points down.
# Prints one line per offending include and "N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 2
[ $# -gt 0 ] || { echo "usage: layercheck.sh LAYER..." >&2; exit 2; }

declare -A rank
i=0
for l in "$@"; do rank[$l]=$i; i=$((i + 1)); done

pass=0 fail=0
for f in src/*/*.[ch]; do
	layer=${f#src/}; layer=${layer%%/*}
	if [ -z "${rank[$layer]+x}" ]; then
		echo "layercheck: $f: folder '$layer' is not a layer" >&2
		fail=$((fail + 1)); continue
	fi
	bad=0
	while IFS=: read -r line inc; do
		to=${inc%%/*}
		if [ "$to" = "$inc" ]; then
			echo "layercheck: $f:$line: \"$inc\" names no layer" >&2; bad=1
		elif [ -z "${rank[$to]+x}" ]; then
			echo "layercheck: $f:$line: \"$inc\": no layer '$to'" >&2; bad=1
		elif [ "${rank[$to]}" -gt "${rank[$layer]}" ]; then
			echo "layercheck: $f:$line: $layer includes $to, a layer above it" >&2; bad=1
		fi
	done < <(grep -n '^#include "' "$f" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/')
	if [ $bad = 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "layercheck: $pass passed, $fail failed"
[ $fail = 0 ]
