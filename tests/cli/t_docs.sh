#!/bin/bash
# t_docs.sh - the README as a front door (issue 21), and the docs behind it:
#   - the README's two commands are `make demo` and `make test`, and .ci/run
#     runs the README's test command;
#   - the README stays short (at most 300 lines): the reference is in docs/;
#   - every page of docs/ is linked from the README;
#   - every relative link and image in README.md and docs/*.md names a file
#     that exists (anchors are not checked).
# Reads files only: no kaprobe run, no network.
. tests/integration/lib.sh

# The two commands, as the README gives them, and the one .ci/run runs.
cmds=$(awk '/^## The two commands/ {on = 1; next} /^## / {on = 0}
	on && /^make [a-z]+ / {print $1 " " $2}' README.md | paste -sd' ')
assert_eq "make demo make test" "$cmds" "the README's two commands"
grep -qx 'make test' .ci/run || fail ".ci/run does not run the README's test command (make test)"

lines=$(wc -l <README.md)
assert_le "$lines" 300 "README.md lines (the reference belongs in docs/)"

for page in docs/*.md; do
	grep -qF "]($page)" README.md || fail "README.md does not link $page"
done

bad=0
for f in README.md docs/*.md; do
	dir=$(dirname "$f")
	# ](target) and ](target#anchor), outside code: links and images alike.
	while IFS= read -r target; do
		case $target in
		*://* | mailto:* | '#'*) continue ;;
		esac
		path=${target%%#*}
		if [ ! -e "$dir/$path" ]; then
			echo "$f: broken link: $target" >&2
			bad=$((bad + 1))
		fi
	done < <(awk '/^```/ {code = !code; next} !code' "$f" |
		grep -o '](\([^) ]*\))' | sed 's/^](//; s/)$//')
done
assert_eq 0 "$bad" "broken relative links in README.md and docs/*.md"
exit 0
