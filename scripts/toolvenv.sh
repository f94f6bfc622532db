#!/usr/bin/env bash
# Sourced by scripts/lint.sh and scripts/docs.sh: one virtualenv per tool set, installed from a
# fully pinned requirements file and reinstalled only when that file changes.
#
#   ensure_venv DIR REQUIREMENTS
#
# DIR is created with $BASE_PYTHON (the Makefile passes .venv's Python 3.11), else python3.11,
# else the newest 3.11 under pyenv. A stamp file named after the requirements' hash marks a
# finished install, so an interrupted one is redone on the next run.

find_base_python() {
    local py
    for py in "${BASE_PYTHON:-}" python3.11; do
        if [[ -n "$py" ]] && "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
            echo "$py"
            return 0
        fi
    done
    py=$(find "${PYENV_ROOT:-$HOME/.pyenv}/versions" -maxdepth 3 -path '*/3.11.*/bin/python3.11' 2>/dev/null | sort -V | tail -n 1)
    if [[ -n "$py" ]]; then
        echo "$py"
        return 0
    fi
    echo 'toolvenv: no Python 3.11 found (set BASE_PYTHON)' >&2
    return 1
}

ensure_venv() {
    local dir=$1 requirements=$2 hash stamp py
    hash=$(sha256sum "$requirements" | cut -c1-16)
    stamp="$dir/.installed-$hash"
    if [[ -f "$stamp" && -x "$dir/bin/python" ]]; then
        return 0
    fi
    if [[ ! -x "$dir/bin/python" ]] || ! "$dir/bin/python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; then
        py=$(find_base_python)
        rm -rf "$dir"
        echo "toolvenv: creating $dir with $py"
        "$py" -m venv "$dir"
    fi
    echo "toolvenv: installing $(basename "$requirements") into $dir"
    "$dir/bin/python" -m pip install --disable-pip-version-check --quiet --requirement "$requirements"
    rm -f "$dir"/.installed-*
    touch "$stamp"
}
