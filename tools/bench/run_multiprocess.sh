#!/usr/bin/env bash
# Boot benchmark against the multi-process deployment on this machine:
# nova-api, nova-conductor, nova-scheduler and three nova-compute (fake
# driver, hosts compute1..3) over a throw-away RabbitMQ vhost and throw-away
# MariaDB (default) or PostgreSQL databases. Everything is stopped and
# dropped on exit, even on failure or Ctrl-C; the logs are kept.
#
#   tools/bench/run_multiprocess.sh [--db mysql|postgresql] [-- BENCH ARGS]
#   e.g. tools/bench/run_multiprocess.sh --db postgresql -- -n 200 --preload 1000
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
BIN=${VENV:-$ROOT/.venv}/bin
DB=mysql
BENCH_ARGS=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --db) DB=$2; shift 2 ;;
        --) shift; BENCH_ARGS=("$@"); break ;;
        *) echo "usage: $0 [--db mysql|postgresql] [-- boot_bench args]" >&2; exit 2 ;;
    esac
done
[[ -x $BIN/nova-api ]] || { echo "no $BIN/nova-api: run ./tools/run.sh or pip install -e . first" >&2; exit 1; }

NAME=nova_bench_$(date +%s)_$$
WORK=$(mktemp -d /tmp/nova-bench.XXXXXX)
PORT=$("$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
DBS=("${NAME}_api" "${NAME}_cell1" "${NAME}_cell1_cell0")
declare -A PIDS=()

sql() {
    if [[ $DB == mysql ]]; then
        mysql -uroot -h127.0.0.1 -N -e "$1"
    else
        psql -h 127.0.0.1 -U postgres -d postgres -Atq -v ON_ERROR_STOP=1 -c "$1"
    fi
}

db_url() {
    if [[ $DB == mysql ]]; then
        echo "mysql+pymysql://root@127.0.0.1/$1?charset=utf8mb4"
    else
        echo "postgresql+psycopg://postgres@127.0.0.1/$1"
    fi
}

cleanup() {
    local rc=$? name pid
    set +e
    for name in "${!PIDS[@]}"; do kill -TERM "${PIDS[$name]}" 2>/dev/null; done
    for _ in $(seq 1 40); do
        local alive=0
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive -eq 0 ]] && break
        sleep 0.5
    done
    for pid in "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null; done
    wait 2>/dev/null
    rabbitmqctl -q delete_vhost "$NAME" >/dev/null 2>&1
    for db in "${DBS[@]}"; do
        if [[ $DB == mysql ]]; then
            sql "DROP DATABASE IF EXISTS \`$db\`"
        else
            sql "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)"
        fi
    done
    echo "logs: $WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "vhost/databases: $NAME ($DB), API port $PORT, work dir $WORK"
rabbitmqctl -q add_vhost "$NAME" >/dev/null
rabbitmqctl -q set_permissions -p "$NAME" guest '.*' '.*' '.*' >/dev/null
for db in "${DBS[@]}"; do sql "CREATE DATABASE $db"; done

CONF=$WORK/nova.conf
cat > "$CONF" <<EOF
[DEFAULT]
transport_url = rabbit://guest:guest@127.0.0.1:5672/$NAME
compute_driver = fake
state_path = $WORK/state
report_interval = 2

[api_database]
connection = $(db_url "${NAME}_api")

[database]
connection = $(db_url "${NAME}_cell1")

[wsgi]
listen = 127.0.0.1
port = $PORT

[api]
auth_strategy = noauth2
EOF

manage() { "$BIN/nova-manage" --config-file "$CONF" "$@" </dev/null >>"$WORK/nova-manage.log" 2>&1; }
manage api_db sync
manage cell_v2 map_cell0
manage cell_v2 create_cell --name cell1
manage db sync

start() {  # start NAME SCRIPT [ARGS...]
    local name=$1 script=$2; shift 2
    "$BIN/$script" --config-file "$CONF" "$@" --log-file "$WORK/$name.log" \
        </dev/null >"$WORK/$name.out" 2>&1 &
    PIDS[$name]=$!
}
start conductor nova-conductor
start scheduler nova-scheduler
for i in 1 2 3; do
    printf '[DEFAULT]\nhost = compute%d\n' "$i" > "$WORK/compute$i.conf"
    start "compute$i" nova-compute --config-file "$WORK/compute$i.conf"
done
start api nova-api

check_alive() {
    local name
    for name in "${!PIDS[@]}"; do
        if ! kill -0 "${PIDS[$name]}" 2>/dev/null; then
            echo "$name exited early; see $WORK/$name.log" >&2
            tail -n 30 "$WORK/$name.log" "$WORK/$name.out" >&2 || true
            exit 1
        fi
    done
}

# Wait for the API (no curl on a bare machine: use the venv's Python).
for i in $(seq 1 120); do
    check_alive
    "$BIN/python" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/', timeout=2)" \
        2>/dev/null && break
    [[ $i -eq 120 ]] && { echo "API did not come up" >&2; exit 1; }
    sleep 0.5
done

# Discover until all three computes are mapped to cell1.
for i in $(seq 1 60); do
    check_alive
    manage cell_v2 discover_hosts
    if [[ $DB == mysql ]]; then
        mapped=$(mysql -uroot -h127.0.0.1 -N -e "SELECT count(*) FROM \`${NAME}_api\`.host_mappings" 2>/dev/null || echo 0)
    else
        mapped=$(psql -h 127.0.0.1 -U postgres -d "${NAME}_api" -Atq -c "SELECT count(*) FROM host_mappings" 2>/dev/null || echo 0)
    fi
    [[ ${mapped:-0} -ge 3 ]] && break
    [[ $i -eq 60 ]] && { echo "computes not discovered (mapped: $mapped)" >&2; exit 1; }
    sleep 1
done

pids=""
for name in "${!PIDS[@]}"; do pids+="${pids:+,}nova-$name=${PIDS[$name]}"; done
echo "deployment up: $pids"
"$BIN/python" tools/bench/boot_bench.py --endpoint "http://127.0.0.1:$PORT" \
    --pids "$pids" "${BENCH_ARGS[@]}"
