# Sourced by the other scripts: makes sure uv and the project's locked environment exist.
# Works on a fresh Debian machine with only Python 3.11: installs what is missing.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export UV_PYTHON_DOWNLOADS=never   # uv must use the machine's Python, never download one

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: need the Debian packages: $*" >&2; return 1
    fi
    if [ -z "${ASCGOV_APT_UPDATED:-}" ]; then
        as_root apt-get update -qq
        export ASCGOV_APT_UPDATED=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

PYTHON="${ASCGOV_PYTHON:-$(command -v python3.11 || command -v python3 || true)}"
if [ -z "$PYTHON" ]; then
    echo "error: Python 3.11 or newer is needed (python3 not found)" >&2; exit 1
fi
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
    echo "error: Python 3.11 or newer is needed ($("$PYTHON" --version))" >&2; exit 1; }

UV="$(command -v uv || true)"
if [ -z "$UV" ] && [ -x "$ROOT/.tools/bin/uv" ]; then UV="$ROOT/.tools/bin/uv"; fi
if [ -z "$UV" ]; then
    echo "installing uv into .tools/ ..."
    if ! "$PYTHON" -m venv "$ROOT/.tools" >/dev/null 2>&1; then
        apt_install python3-venv python3-pip
        rm -rf "$ROOT/.tools"
        "$PYTHON" -m venv "$ROOT/.tools"
    fi
    "$ROOT/.tools/bin/python" -m pip install -q uv
    UV="$ROOT/.tools/bin/uv"
fi
export UV
"$UV" sync --frozen --quiet --python "$PYTHON"
