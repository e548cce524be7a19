# Progress lines for the scripts (sourced, not run): "[m:ss] what is happening", with the time elapsed since the
# outermost script started (PROGRESS_START is exported, so scripts started by a script share its clock).
# A newcomer sees which step is running and how long it usually takes, instead of a silent terminal.

if [ -z "${PROGRESS_START:-}" ]; then
  PROGRESS_START=$(date +%s)
  export PROGRESS_START
fi

# The time since the outermost script started, as m:ss.
progress_elapsed() {
  local s=$(( $(date +%s) - PROGRESS_START ))
  printf '%d:%02d' $(( s / 60 )) $(( s % 60 ))
}

# Prints one progress line: step "building the SDK".
step() {
  printf '[%s] %s\n' "$(progress_elapsed)" "$*"
}

# Runs a command as a named step: prints the step, runs it (its own output shows as it comes), then how long it took.
# run_step "installing wasm-pack 0.15.1 (about 3 minutes)" cargo install wasm-pack ...
run_step() {
  local what=$1
  shift
  local started
  started=$(date +%s)
  step "$what"
  "$@"
  step "  done in $(( $(date +%s) - started )) s"
}
