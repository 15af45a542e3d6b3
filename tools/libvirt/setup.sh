#!/usr/bin/env bash
# Install libvirt + QEMU from Debian and start libvirtd by hand (no systemd).
#
# Idempotent: a second run only (re)starts the daemons that are not running.
# Needs root. Prints "libvirt-setup: ready" and exits 0 once
# `virsh -c qemu:///system version` answers; exits non-zero otherwise, so a
# caller can decide to go on without libvirt (the real-guest tests then skip).
#
# Facts this is built on: /work/shared/notes/libvirt-here.md and
# doc/operator/libvirt.rst (virtlogd needs /var/log/libvirt; the QEMU driver
# needs the libvirt-qemu user even when it runs QEMU as root; the first start
# probes QEMU for ~9 s).
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive CI=${CI:-true}
URI=qemu:///system
PACKAGES=(libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients libvirt-dev
          pkg-config gcc python3-dev qemu-system-x86 qemu-utils dnsmasq-base
          iptables busybox-static linux-image-amd64 e2fsprogs cpio kmod)

log() { echo "libvirt-setup: $*"; }

if [[ $(id -u) -ne 0 ]]; then
    log "needs root" >&2
    exit 1
fi

missing_packages() {
    local pkg
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}\n' "$pkg" 2>/dev/null |
            grep -q '^install ok installed$' || echo "$pkg"
    done
}

install_packages() {
    local missing
    missing=$(missing_packages)
    [[ -z $missing ]] && return 0
    log "installing:" $missing
    # The package lists may be absent on a fresh image; one update then.
    if ! apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
            $missing </dev/null; then
        apt-get -o DPkg::Lock::Timeout=600 update </dev/null
        apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends \
            $missing </dev/null
    fi
}

configure() {
    getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
    getent passwd libvirt-qemu >/dev/null ||
        useradd --system --no-create-home --gid libvirt-qemu \
            --shell /usr/sbin/nologin libvirt-qemu
    mkdir -p /var/log/libvirt/qemu /var/lib/libvirt/images /run/libvirt
    local conf=/etc/libvirt/qemu.conf
    mkdir -p /etc/libvirt
    touch "$conf"
    grep -q '^user = "root"' "$conf" || echo 'user = "root"' >> "$conf"
    grep -q '^group = "root"' "$conf" || echo 'group = "root"' >> "$conf"
}

running() { pgrep -x "$1" >/dev/null; }

start_daemons() {
    running virtlogd || virtlogd -d
    running libvirtd || libvirtd -d
    local i
    for i in $(seq 1 120); do
        if virsh -c "$URI" version >/dev/null 2>&1; then
            log "ready ($(virsh -c "$URI" version | grep -i 'running hypervisor'))"
            return 0
        fi
        sleep 0.5
    done
    log "libvirtd did not answer on $URI within 60 s" >&2
    return 1
}

install_packages
configure
start_daemons
