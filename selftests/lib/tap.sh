# shellcheck shell=bash
# The counting every suite script shares (sourced, not run): TAP-style
# "ok - ..." and "not ok - ..." lines, the counts of the programs and
# sub-suites a script runs, and the one final line
# "N passed, N failed[, N skipped]" that the next level up adds in turn
# (run-suite and conform/run -> guest-suite -> check).
#
# The counts are the caller's variables pass, fail and skip.

pass=0 fail=0 skip=0

# A summary line, as tap_summary prints it.
TAP_SUMMARY_RE='^[0-9]+ passed, [0-9]+ failed'

ok() { echo "ok - $*"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $*"; fail=$((fail + 1)); }
# A skipped test: an ok line, counted as skipped only.
ok_skip() { echo "ok - $*"; skip=$((skip + 1)); }

# tap_add_summary LINE: add the counts of a "N passed, N failed[, N
# skipped]" line.
tap_add_summary() {
	local p f s
	read -r p f s < <(sed -E 's/^([0-9]+) passed, ([0-9]+) failed(, ([0-9]+) skipped)?.*/\1 \2 \4/' <<<"$1")
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + ${s:-0}))
}

# tap_last_summary FILE: the last summary line of FILE (empty if none).
tap_last_summary() {
	grep -E "$TAP_SUMMARY_RE" "$1" | tail -n1
}

# tap_count_program [--need-tests] NAME RC OUTFILE: add the numbered TAP
# results of one kselftest-harness program's output ("ok N ...",
# "ok N ... # SKIP", "not ok N ..."), which exited with status RC.  A
# program that failed no test but exited non-zero (a crash, a sanitizer
# abort, a refusal to run) counts one failure; with --need-tests, so does
# one that ran no test.
tap_count_program() {
	local need=0 name rc out p s f
	if [ "$1" = --need-tests ]; then
		need=1
		shift
	fi
	name=$1 rc=$2 out=$3
	p=$(grep -cE '^ok [0-9]+ ' "$out")
	s=$(grep -cE '^ok [0-9]+ .*# SKIP' "$out")
	f=$(grep -cE '^not ok [0-9]+ ' "$out")
	p=$((p - s))
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	elif [ "$need" = 1 ] && [ "$p" = 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name ran no test"
		f=1
	fi
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
}

# tap_run_suite LABEL CMD...: run a script that ends with a summary line,
# its output shown as it goes, and add that line's counts; a script that
# printed none is one failure ("LABEL: no summary").  Its exit status is
# not looked at: the summary says it all.
tap_run_suite() {
	local label=$1 log line
	shift
	log=$(mktemp)
	"$@" | tee "$log"
	line=$(tap_last_summary "$log")
	rm -f "$log"
	if [ -n "$line" ]; then
		tap_add_summary "$line"
	else
		not_ok "$label: no summary"
	fi
}

# tap_summary: print the final line; the status is 0 only if nothing
# failed, so a script can end with it.
tap_summary() {
	local summary="$pass passed, $fail failed"
	[ "$skip" = 0 ] || summary="$summary, $skip skipped"
	echo "$summary"
	[ "$fail" = 0 ]
}
