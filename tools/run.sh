#!/usr/bin/env bash
# Set up (once) and run nova-all, the whole controller in one process, with its
# embedded default: API on 127.0.0.1:8774, SQLite under ./var, fake:// RPC,
# fake virt driver, noauth2. Extra arguments go to nova-all
# (e.g. --config-file etc/nova/nova.conf).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

# shellcheck source=tools/venv.sh
source tools/venv.sh

ensure_install() {
    # Reinstall only when the packaging files changed, so a second run starts
    # at once and works offline.
    local stamp=.venv/.nova-run-stamp want
    want=$(cat setup.cfg pyproject.toml requirements.txt | sha256sum | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" && -x .venv/bin/nova-all ]]; then
        return
    fi
    .venv/bin/python -m pip install -q -e .
    echo "$want" > "$stamp"
}

ensure_venv
ensure_install

exec .venv/bin/nova-all "$@"
