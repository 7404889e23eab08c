#!/usr/bin/env bash
# Installs the Debian packages addrmig needs to build and test, when missing.
# Idempotent and quiet when everything is there. Needs root (or sudo) to install.
set -euo pipefail
packages=(
  g++ cmake make
  libsoci-dev libboost-dev libboost-date-time-dev   # SOCI's headers include Boost
  libpq-dev libsqlite3-dev nettle-dev
  libtomlplusplus-dev libspdlog-dev libcli11-dev nlohmann-json3-dev catch2
  postgresql-15 sqlite3 python3                     # test cluster, CLI baselines, free-port lookup
  libxml2-utils                                     # xmllint validates the JUnit output in tests
  help2man                                          # addrmig(1) from the CLI's own --help
  chromium                                          # renders the markdown's Mermaid diagrams in tests
)
# npm installs Mermaid for those tests (tests/render/setup.sh, npm ci). Use the
# machine's Node.js and npm when present, else Debian's.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
