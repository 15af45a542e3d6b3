#!/usr/bin/env bash
# Set up (or update) .venv and run the whole test suite: unit, functional and
# integration tests, two pytest-xdist workers. Extra arguments go to pytest,
# e.g. ./tools/test.sh -k flavors -x
#
# Integration tests use the RabbitMQ, MariaDB and PostgreSQL running on
# 127.0.0.1 and skip, loudly, only when one is not reachable.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1 DEBIAN_FRONTEND=noninteractive

# --------------------------------------------------------------------------
# System packages.
# The libvirt/QEMU integration tests will need Debian packages installed
# here (apt-get install -y ... libvirt-daemon libvirt-dev pkg-config ...)
# before pip builds libvirt-python. Keep them in this function.
install_system_packages() {
    :
}
# --------------------------------------------------------------------------

pick_python() {
    local cand
    for cand in python3.11 python3.12 python3.13 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$cand"
            return
        fi
    done
    echo "test.sh: Python >= 3.11 is required" >&2
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
            echo "test.sh: installing python3-venv" >&2
            apt-get update -qq
            apt-get install -y -qq python3-venv >/dev/null
        else
            echo "test.sh: install python3-venv (needs root)" >&2
            exit 1
        fi
    fi
    rm -rf .venv
    "$py" -m venv .venv
}

ensure_install() {
    # Reinstall only when the packaging or requirement files changed: a
    # second run goes straight to pytest and works offline.
    local stamp=.venv/.nova-test-stamp want
    want=$(cat setup.cfg pyproject.toml requirements.txt test-requirements.txt |
           sha256sum | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" && -x .venv/bin/nova-all ]]; then
        return
    fi
    .venv/bin/python -m pip install -q -e . -r test-requirements.txt
    echo "$want" > "$stamp"
}

install_system_packages
ensure_venv
ensure_install

rc=0
.venv/bin/python -m pytest -n 2 --dist loadfile tests "$@" || rc=$?
if [[ $rc -eq 5 ]]; then
    # pytest's "no tests collected": a suite that runs nothing is broken.
    echo "test.sh: pytest collected no tests; treating it as a failure" >&2
    exit 1
fi
exit "$rc"
