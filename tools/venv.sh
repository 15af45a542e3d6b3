# Sourced by run.sh and test.sh: make .venv with a Python >= 3.11 and a
# working pip, installing Debian's python3-venv first when it is missing.

pick_python() {
    local cand
    for cand in python3.11 python3.12 python3.13 python3; do
        if command -v "$cand" >/dev/null 2>&1 &&
           "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
            echo "$cand"
            return
        fi
    done
    echo "${0##*/}: Python >= 3.11 is required" >&2
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
            echo "${0##*/}: installing python3-venv" >&2
            apt-get update -qq
            apt-get install -y -qq python3-venv >/dev/null
        else
            echo "${0##*/}: install python3-venv (needs root)" >&2
            exit 1
        fi
    fi
    rm -rf .venv
    "$py" -m venv .venv
}
