# shellcheck shell=bash
# What the debug-kernel runs (guest-suite --debug, soak) read from
# debugfs inside the VM (sourced, not run).  The paths are variables only
# so that a test on the host can point them elsewhere.

KMEMLEAK=${KMEMLEAK:-/sys/kernel/debug/kmemleak}
GCOV_ROOT=${GCOV_ROOT:-/sys/kernel/debug/gcov}

# kmemleak_scan: scan for objects the kernel allocated and lost and print
# kmemleak's report.  Status 0: nothing reported; 1: a report (printed);
# 2: no kmemleak in this kernel.
kmemleak_scan() {
	local report
	[ -w "$KMEMLEAK" ] || return 2
	# Objects younger than 5 s are never reported; scan twice past that.
	sleep 6
	echo scan >"$KMEMLEAK" && echo scan >"$KMEMLEAK"
	report=$(cat "$KMEMLEAK")
	[ -n "$report" ] || return 0
	printf '%s\n' "$report"
	return 1
}

# gcov_copy OBJDIR DEST: copy the gcov counters of the module built in
# OBJDIR (the kernel keeps them in debugfs under the build path, summed
# over every load of the module) into DEST, replacing the .gcda files
# there; prints how many it copied.
gcov_copy() {
	local f n=0
	rm -f "$2"/*.gcda
	for f in "$GCOV_ROOT$1"/module/*.gcda; do
		[ -e "$f" ] || break
		cat "$f" >"$2/${f##*/}" && n=$((n + 1))
	done
	echo "$n"
}
