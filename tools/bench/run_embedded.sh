#!/usr/bin/env bash
# Boot benchmark against nova-all (embedded default: SQLite, fake://, fake
# driver) started here on a free port with a throw-away state directory.
# Arguments go to boot_bench.py, e.g. tools/bench/run_embedded.sh -n 200
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BIN=${VENV:-$PWD/.venv}/bin
[[ -x $BIN/nova-all ]] || { echo "no $BIN/nova-all: run ./tools/run.sh or pip install -e . first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/nova-bench.XXXXXX)
PORT=$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf '[DEFAULT]\nstate_path = %s/state\n\n[wsgi]\nport = %s\n' "$WORK" "$PORT" > "$WORK/nova.conf"

"$BIN/nova-all" --config-file "$WORK/nova.conf" --log-file "$WORK/nova-all.log" \
    </dev/null >"$WORK/nova-all.out" 2>&1 &
PID=$!

cleanup() {
    local rc=$?
    set +e
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$PID" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$PID" 2>/dev/null
    wait 2>/dev/null
    echo "logs: $WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for i in $(seq 1 120); do
    kill -0 "$PID" 2>/dev/null || { echo "nova-all exited; see $WORK" >&2; tail -n 30 "$WORK/nova-all.out" >&2; exit 1; }
    "$BIN/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/', timeout=2)" \
        2>/dev/null && break
    [[ $i -eq 120 ]] && { echo "nova-all did not come up" >&2; exit 1; }
    sleep 0.5
done

"$BIN/python" tools/bench/boot_bench.py --endpoint "http://127.0.0.1:$PORT" \
    --pids "nova-all=$PID" "$@"
