#!/bin/sh
# layout.sh - the architecture's rules, checked on the tree (docs/architecture.md,
# docs/style.md). Prints one line per failed rule and, last, "N passed, N failed".
#   1. no source file outside tests/ and index/ is over 800 lines;
#   2. engine/ includes neither api/ nor cli/; api/ does not include cli/;
#      index/ includes nothing else of the project; engine/ and api/ include
#      nothing of data/ (the command's sample generator lives there);
#   3. no two modules of engine/ include each other;
#   4. an internal name (prefix__) is used only inside its folder (tests aside).
set -u
cd "$(dirname "$0")/../.." || exit 1
passed=0
failed=0
fail() {
	echo "layout: $*"
	failed=$((failed + 1))
}
sources=$(git ls-files 'engine/*.[ch]' 'api/*.[ch]' 'cli/*.[ch]' 'data/*.[ch]' 2>/dev/null)
[ -n "$sources" ] || sources=$(find engine api cli data -name '*.[ch]')

# 1. file sizes
before=$failed
for f in $sources; do
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || fail "$f has $n lines (at most 800)"
done
[ $failed -eq $before ] && passed=$((passed + 1))

# 2. the direction of includes
before=$failed
grep -n '#include "\(api\|cli\)/' $(echo "$sources" | grep '^engine/') /dev/null |
	while read -r l; do echo "layout: engine includes a face: $l"; done | grep . && failed=$((failed + 1))
grep -n '#include "cli/' $(echo "$sources" | grep '^api/') /dev/null |
	while read -r l; do echo "layout: api includes cli: $l"; done | grep . && failed=$((failed + 1))
grep -n '#include "' index/* /dev/null | grep -v '#include "index/' |
	while read -r l; do echo "layout: index includes the project: $l"; done | grep . && failed=$((failed + 1))
grep -n '#include "data/' $(echo "$sources" | grep '^\(engine\|api\)/') /dev/null |
	while read -r l; do echo "layout: the engine or the api includes data/: $l"; done | grep . && failed=$((failed + 1))
[ $failed -eq $before ] && passed=$((passed + 1))

# 3. no two engine modules include each other (a module is a folder of
# engine/, or a file at its top)
before=$failed
module_of() {
	case "$1" in
	engine/*/*) echo "$1" | cut -d/ -f1-2 ;;
	engine/*) echo "$1" | sed 's/\.[ch]$//' ;;
	esac
}
edges=$(for f in $(echo "$sources" | grep '^engine/'); do
	a=$(module_of "$f")
	sed -n 's/^#include "\(engine\/[^"]*\)".*/\1/p' "$f" | while read -r inc; do
		b=$(module_of "$inc")
		[ "$a" != "$b" ] && echo "$a $b"
	done
done | sort -u)
echo "$edges" | while read -r a b; do
	[ -n "$a" ] && echo "$edges" | grep -qx "$b $a" && [ "$a" \< "$b" ] &&
		echo "layout: $a and $b include each other"
done | grep . && failed=$((failed + 1))
[ $failed -eq $before ] && passed=$((passed + 1))

# 4. internal names stay in their folder
before=$failed
for d in $(ls -d engine/*/ api/ 2>/dev/null); do
	[ -f "$d/internal.h" ] || continue
	for p in $(sed -n 's/.*[^a-z_]\([a-z]*__\)[a-z_]*(.*/\1/p' "$d/internal.h" | sort -u); do
		out=$(grep -ln "\b$p[a-z]" $sources | grep -v "^$d" | grep -v "^$(echo "$d" | sed 's#/$##')/")
		[ -z "$out" ] || fail "$p names of $d used outside it: $out"
	done
done
[ $failed -eq $before ] && passed=$((passed + 1))

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
