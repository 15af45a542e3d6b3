#!/usr/bin/env bash
# Set up (once) and run nova-all, the whole controller in one process, with its
# embedded default: API on 127.0.0.1:8774, SQLite under ./var, fake:// RPC,
# fake virt driver, noauth2. Extra arguments go to nova-all
# (e.g. --config-file etc/nova/nova.conf).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

pick_python() {
    local cand
    for cand in python3.11 python3.12 python3.13 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$cand"
            return
        fi
    done
    echo "run.sh: Python >= 3.11 is required" >&2
    exit 1
}

ensure_venv() {
    # A venv without a working pip (ensurepip missing when it was made) is
    # useless: make it again.
    if [[ -x .venv/bin/python ]] && .venv/bin/python -m pip --version >/dev/null 2>&1; then
        return
    fi
    local py
    py=$(pick_python)
    if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        # Debian splits venv/ensurepip into its own package.
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            echo "run.sh: installing python3-venv" >&2
            apt-get update -qq
            apt-get install -y -qq python3-venv >/dev/null
        else
            echo "run.sh: install python3-venv (needs root)" >&2
            exit 1
        fi
    fi
    rm -rf .venv
    "$py" -m venv .venv
}

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
