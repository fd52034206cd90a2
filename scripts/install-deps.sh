#!/usr/bin/env bash
# Installs the Debian packages ehagent builds and tests with. Idempotent: it asks dpkg first and
# only calls apt-get (after one apt-get update) for what is missing, so a second run takes well
# under a second.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build pkg-config
  # libraries
  libssl-dev libboost-dev libspdlog-dev nlohmann-json3-dev libxml2-dev libsqlite3-dev
  libcli11-dev libtomlplusplus-dev libgtest-dev libgmock-dev libp11-kit-dev libcurl4-openssl-dev libpcsclite-dev
  libsystemd-dev
  # the Debian package and its checks: dpkg-shlibdeps, lintian, man -l, systemd-analyze, journald
  dpkg-dev lintian man-db groff-base systemd procps iproute2
  # real parts the tests run against
  softhsm2 opensc xmlsec1 openssl pinentry-curses curl sqlite3 tinyproxy
  # the card stack: pcscd with vsmartcard's virtual reader; the virtual card signs with python3-cryptography
  pcscd vsmartcard-vpcd python3-cryptography
  # the status page is tested in Debian's chromium, driven by puppeteer-core from npm
  chromium
  # p11tool: an independent reader of the PKCS#11 URIs the agent prints
  gnutls-bin
)

# On a desktop the agent runs as a user service without a terminal: its PIN dialog must be a
# graphical pinentry (pinentry-curses cannot show there). Qt's on KDE and LXQt, GNOME's elsewhere.
if [ -n "${XDG_CURRENT_DESKTOP:-}${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  case "${XDG_CURRENT_DESKTOP:-}" in
    *KDE* | *LXQt*) packages+=(pinentry-qt) ;;
    *) packages+=(pinentry-gnome3) ;;
  esac
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

# The JWT tests verify with a JOSE library from npm; the nodejs package brings npm on Debian,
# but a machine may already have a newer node that ships its own npm.
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
