#!/usr/bin/env bash
# Set up (once) and run nova-all, the whole controller in one process, with its
# embedded default: API on 127.0.0.1:8774, SQLite under ./var, fake:// RPC,
# the libvirt driver when libvirtd answers (else the fake one), noauth2.
# Extra arguments go to nova-all (e.g. --config-file etc/nova/nova.conf).
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

# NOVA_LIBVIRT=1 ./tools/run.sh: install and start libvirt/QEMU first
# (tools/libvirt/setup.sh, root). nova-all picks libvirt whenever
# qemu:///system answers, so where libvirt is on the machine (its headers
# are what libvirt-python builds against) the venv gets libvirt-python too.
if [[ ${NOVA_LIBVIRT:-0} == 1 ]]; then
    bash tools/libvirt/setup.sh
fi
if ! .venv/bin/python -c 'import libvirt' 2>/dev/null &&
   pkg-config --exists libvirt 2>/dev/null; then
    .venv/bin/python -m pip install -q -e '.[libvirt]' ||
        echo "run.sh: libvirt-python did not build; using the fake driver" >&2
fi

exec .venv/bin/nova-all "$@"
