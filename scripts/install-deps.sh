#!/usr/bin/env bash
# Installs the Debian packages shipper builds and tests with; skips the ones already there.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config clang-format
  libboost-dev libboost-system-dev libmsgpack-cxx-dev libre2-dev libyaml-cpp-dev
  libzstd-dev zlib1g-dev libssl-dev libsimdjson-dev
  catch2 libbenchmark-dev
  python3 python3-msgpack python3-fluent-logger python3-prometheus-client openssl procps
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  echo "installing: ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}"
fi
