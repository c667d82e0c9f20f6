#!/usr/bin/env bash
# tools/deps.sh - make sure the Debian packages flowstitch builds with are here.
# As root it installs what is missing; otherwise it prints the apt-get line.
set -euo pipefail
PKGS=(build-essential cmake pkg-config zlib1g-dev uthash-dev libcriterion-dev
      libjansson-dev libdeflate-dev libisal-dev gzip groff-base
      time libfixbuf-dev python3 tshark chromium)
# time: /usr/bin/time -v for peak RSS (tools/bench/memcap.sh); libfixbuf:
# IPFIX output; python3, tshark, chromium: the readers the format tests use.
# Optional: python3-distributed runs tools/dask_mapred.py (docs/distributed.md);
# where it cannot be installed that test is skipped with a message, and this
# script does not fail.
OPTIONAL=(python3-distributed)
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
for p in "${OPTIONAL[@]}"; do
  installed "$p" && continue
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "deps: installing optional $p" >&2
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$p" ||
      { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
          apt-get install -y -qq --no-install-recommends "$p"; }; } >/dev/null 2>&1 ||
      echo "deps: optional $p unavailable: the Dask test will be skipped" >&2
  else
    echo "deps: optional $p missing (apt-get install $p): the Dask test will be skipped" >&2
  fi
done
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # tshark's package asks whether non-root users may capture: no.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "deps: missing packages; run as root:" >&2
  echo "  apt-get install -y ${missing[*]}" >&2
  exit 1
fi
