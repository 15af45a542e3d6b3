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

# shellcheck source=tools/venv.sh
source tools/venv.sh

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
