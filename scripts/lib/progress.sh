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

# Background steps: long commands that can run side by side. On 2 cores, three `cargo install`s started together
# finished in 370 s, against 481 s one after the other: each spends long stretches on one core (the last crates,
# the link). `npm start` also builds the server this way while the tools install and the SDK builds. Each step's
# output goes to its log (target/logs/<label>.log); wait_background_steps waits for all of them, with a line every
# 30 s so that a long compile does not look stuck, then says how long each took and, for one that failed, shows the
# end of its log. A script that starts them traps EXIT with stop_background_steps, so that stopping it stops the
# compilers too.
BACKGROUND_LABELS=()
BACKGROUND_PIDS=()
BACKGROUND_STARTED=()

# The log of a background step.
background_log() {
  printf 'target/logs/%s.log' "$1"
}

# start_background_step LABEL "what is happening" command [args…]
start_background_step() {
  local label=$1 what=$2 log
  shift 2
  log=$(background_log "$label")
  mkdir -p "$(dirname "$log")"
  rm -f "$log.status"
  step "$what (in the background; log: $log)"
  # In its own process group where setsid exists, so that stop_background_steps reaches cargo's rustc processes.
  if command -v setsid >/dev/null 2>&1; then
    setsid -w bash -c '"${@:2}" >"$1" 2>&1; echo $? >"$1.status"' _ "$log" "$@" &
  else
    bash -c '"${@:2}" >"$1" 2>&1; echo $? >"$1.status"' _ "$log" "$@" &
  fi
  BACKGROUND_LABELS+=("$label")
  BACKGROUND_PIDS+=("$!")
  BACKGROUND_STARTED+=("$(date +%s)")
}

# Stops every background step still running (for a trap on EXIT).
stop_background_steps() {
  local pid
  for pid in "${BACKGROUND_PIDS[@]}"; do
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  done
}

# "label (N crates compiled, now crate), " for background step i, from cargo's lines in its log.
background_progress() {
  local log
  log=$(background_log "${BACKGROUND_LABELS[$1]}")
  printf '%s (%s crates compiled, now %s), ' "${BACKGROUND_LABELS[$1]}" \
    "$(grep -c '^ *Compiling ' "$log" 2>/dev/null || true)" \
    "$(grep '^ *Compiling ' "$log" 2>/dev/null | tail -n 1 | awk '{print $2}')"
}

# Waits for every background step started so far, first printing "what is waited for" when one is still running;
# non-zero when one failed.
wait_background_steps() {
  local waiting=$1 n=${#BACKGROUND_PIDS[@]} i ticks=0 failed=0 pending log
  local took=()
  while :; do
    pending=()
    for ((i = 0; i < n; i++)); do
      [ -n "${took[i]:-}" ] && continue
      log=$(background_log "${BACKGROUND_LABELS[i]}")
      # A step whose process is gone without writing its status was killed: it counts as failed.
      if [ -f "$log.status" ] || ! kill -0 "${BACKGROUND_PIDS[i]}" 2>/dev/null; then
        took[i]=$(( $(date +%s) - BACKGROUND_STARTED[i] ))
      else
        pending+=("$i")
      fi
    done
    [ ${#pending[@]} -eq 0 ] && break
    if [ "$ticks" -eq 0 ]; then step "$waiting"; fi
    sleep 1
    ticks=$((ticks + 1))
    if [ $((ticks % 30)) -eq 0 ]; then
      step "  still compiling: $(for i in "${pending[@]}"; do background_progress "$i"; done | sed 's/, $//')"
    fi
  done
  for ((i = 0; i < n; i++)); do
    wait "${BACKGROUND_PIDS[i]}" 2>/dev/null || true
    log=$(background_log "${BACKGROUND_LABELS[i]}")
    if [ "$(cat "$log.status" 2>/dev/null)" = "0" ]; then
      step "  done in ${took[i]} s: ${BACKGROUND_LABELS[i]}"
    else
      failed=1
      echo "${BACKGROUND_LABELS[i]} failed after ${took[i]} s; the end of $log:" >&2
      tail -n 40 "$log" >&2
    fi
  done
  BACKGROUND_LABELS=()
  BACKGROUND_PIDS=()
  BACKGROUND_STARTED=()
  return "$failed"
}
