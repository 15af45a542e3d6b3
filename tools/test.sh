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
# System packages: libvirt, QEMU and what the offline test image is built
# from (tools/libvirt/setup.sh, which also starts libvirtd). Where that
# cannot work (no root, no apt), libvirt-python is left out of the venv and
# the real-guest tests skip loudly.
NOVA_LIBVIRT_OK=0
install_system_packages() {
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null &&
            timeout 900 bash tools/libvirt/setup.sh; then
        NOVA_LIBVIRT_OK=1
    else
        echo "test.sh: libvirt unavailable; real-guest tests will skip" >&2
    fi
}

test_requirements() {
    # test-requirements.txt, minus libvirt-python when it cannot build.
    if [[ $NOVA_LIBVIRT_OK -eq 1 ]]; then
        echo test-requirements.txt
    else
        grep -v '^libvirt-python' test-requirements.txt > .venv/.test-req-nolibvirt.txt
        echo .venv/.test-req-nolibvirt.txt
    fi
}
# --------------------------------------------------------------------------

# shellcheck source=tools/venv.sh
source tools/venv.sh

ensure_install() {
    # Reinstall only when the packaging or requirement files changed: a
    # second run goes straight to pytest and works offline.
    local stamp=.venv/.nova-test-stamp want
    want=$( (cat setup.cfg pyproject.toml requirements.txt test-requirements.txt
             echo "libvirt=$NOVA_LIBVIRT_OK") | sha256sum | cut -d' ' -f1)
    if [[ -f $stamp && $(cat "$stamp") == "$want" && -x .venv/bin/nova-all ]]; then
        return
    fi
    .venv/bin/python -m pip install -q -e . -r "$(test_requirements)"
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
