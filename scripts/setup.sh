#!/usr/bin/env bash
# Installs what HanSearch needs on Debian 12 (Xapian from Debian) when it is missing. Safe to re-run.
set -euo pipefail

if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
    export PATH="$PATH:/opt/swift/usr/bin"
fi
command -v swift >/dev/null 2>&1 || { echo "setup: Swift 6 is required (https://swift.org/install)" >&2; exit 1; }

# Installs the Debian packages named (as root, or through sudo); other scripts call it after sourcing this.
apt_install() {
    echo "$(basename "$0"): installing $*" >&2
    local sudo_cmd=""
    [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "$@" >/dev/null
}

packages=(libxapian-dev pkg-config xapian-tools python3-xapian)  # xapian-tools: xapian-tcpsrv for shards; python3-xapian: scripts/index_check.py
packages+=(libzstd-dev python3-zstandard)  # segment data compressed with the index's dictionary (Sources/CZstd), and read by scripts/segment_data.py
packages+=(libpoppler-cpp-dev libxml2-dev)  # PDF text (Sources/CPoppler), HTML parsing
packages+=(libjemalloc-dev)  # hanindex's malloc (Package.swift)
# scripts/make-pdf-fixtures.py only: xelatex with xeCJK and a Chinese font, qpdf, pdftotext.
[ "${1:-}" != "--fixtures" ] || packages+=(texlive-xetex texlive-lang-chinese fonts-arphic-uming lmodern qpdf poppler-utils)
missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
