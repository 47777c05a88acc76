# Sourced by scripts/start and scripts/test: installs the Debian packages autobw builds against, if missing.
autobw_install_dependencies() {
    local packages=(libopenblas-dev libncurses-dev zlib1g-dev libopenmpi-dev openmpi-bin pkg-config python3-venv tmux time)
    local missing=()
    for package in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "autobw: installing ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq >&2 || { echo "autobw: apt-get update failed" >&2; return 1; }
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2 \
            || { echo "autobw: could not install ${missing[*]}" >&2; return 1; }
    fi
    if ! command -v swift >/dev/null 2>&1; then
        [ -x /opt/swift/usr/bin/swift ] && export PATH="/opt/swift/usr/bin:$PATH"
    fi
    command -v swift >/dev/null 2>&1 || { echo "autobw: the Swift toolchain (swift) is not on PATH" >&2; return 1; }
}
