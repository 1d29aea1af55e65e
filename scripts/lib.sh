# Helpers shared by the reliability scripts (crash tests, soak, fuzzing). Source it from the repository root.

# The path of a product of the debug build, building it if needed (incremental).
debug_binary() {
    local log
    log=$(mktemp)
    swift build --product "$1" >"$log" 2>&1 || { cat "$log" >&2; rm -f "$log"; return 1; }
    rm -f "$log"
    echo "$(swift build --show-bin-path)/$1"
}

# A Python 3 that has Debian's Xapian bindings (python3-xapian), which a pyenv or venv python lacks.
python_with_xapian() {
    local candidate
    for candidate in "${PYTHON_XAPIAN:-}" python3 /usr/bin/python3; do
        if [ -n "$candidate" ] && "$candidate" -c 'import xapian' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "no python3 with the xapian module: apt-get install python3-xapian" >&2
    return 1
}

# Runs "$@" in the background (stdout discarded, stderr to $work/stderr), SIGKILLs it after $1 ms, and
# waits for it. Sets `outcome` (what happened, for the log) and adds 1 to `killed` when the kill hit.
run_and_kill_after() {
    local delay_ms=$1 pid
    shift
    "$@" >/dev/null 2>"$work/stderr" &
    pid=$!  # the command itself, not a subshell, so that SIGKILL hits it
    sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
    if kill -KILL "$pid" 2>/dev/null; then
        killed=$((killed + 1))
        outcome="killed after ${delay_ms} ms"
    else
        outcome="finished before the kill at ${delay_ms} ms"
    fi
    wait "$pid" 2>/dev/null || true
}
