# What every end-to-end script shares (sourced): cases that run alone or together, and failures counted per case.
#
#     suite NAME [CASE]     start the script's suite; with CASE, only that case runs (`list` lists them)
#     check CASE FUNCTION   runs FUNCTION as case CASE, in a subshell: a case that exits ends alone
#     fail MESSAGE          records a failure of the running case and goes on (a script may end the case instead:
#                           `fail ...; exit 1`)
#     finish                names every case that failed and exits 1 if any did (a script without cases: whether
#                           any check failed)
# A case must not depend on another having run: it makes what it needs (helpers may cache fixtures in $work).

suite() {
    harness_suite="$1"
    harness_only="${2:-}"
    harness_case=""
    harness_ran=0
    harness_failures="$(mktemp)"
}

fail() {
    echo "$harness_suite: FAIL${harness_case:+ [$harness_case]}: $*" >&2
    echo "${harness_case:-$harness_suite}" >> "$harness_failures"
}

check() {
    local name="$1" function="$2"
    if [ "$harness_only" = "list" ]; then echo "$name"; return 0; fi
    [ -z "$harness_only" ] || [ "$harness_only" = "$name" ] || return 0
    harness_ran=$((harness_ran + 1))
    echo "$harness_suite: $name" >&2
    # A case's own last status means nothing (its checks call `fail`); the subshell fails only when a check ended
    # the case (`exit 1` after `fail`) or the shell did (an unset variable).
    ( harness_case="$name"; "$function"; exit 0 ) || {
        grep -qxF "$name" "$harness_failures" || echo "$harness_suite: FAIL [$name]: the case ended with an error" >&2
        echo "$name" >> "$harness_failures"
    }
}

finish() {
    [ "$harness_only" = "list" ] && exit 0
    if [ -n "$harness_only" ] && [ "$harness_ran" -eq 0 ]; then
        echo "$harness_suite: no case named '$harness_only' (\`$0 BINARY list\` lists them)" >&2
        exit 64
    fi
    local failed
    failed="$(sort -u "$harness_failures" | tr '\n' ' ')"
    rm -f "$harness_failures"
    if [ -n "$failed" ]; then
        echo "$harness_suite: failed: $failed" >&2
        exit 1
    fi
    if [ "$harness_ran" -gt 0 ]; then echo "$harness_suite: all $harness_ran case(s) passed" >&2; else echo "$harness_suite: all checks passed" >&2; fi
}
