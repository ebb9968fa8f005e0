#!/usr/bin/env bash
# `systemd-analyze verify` of the user units in this folder, unmodified. verify checks that
# ExecStart's program exists, so it runs with a temporary HOME (%h) holding a stand-in
# ~/.local/bin/complexionist. Prints one line; exits non-zero on any finding (warnings
# included). Installs nothing: without systemd-analyze it says it skipped.
set -uo pipefail
if ! command -v systemd-analyze >/dev/null 2>&1; then
  echo "systemd-analyze verify: skipped (systemd-analyze is not installed here)"
  exit 0
fi
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home/.local/bin" "$tmp/home/.complexionist" "$tmp/run"
chmod 700 "$tmp/run"
cp "$(type -P true)" "$tmp/home/.local/bin/complexionist"
out=$(HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" systemd-analyze --user verify \
  "$here/complexionist-sync.service" "$here/complexionist-sync.timer" 2>&1)
rc=$?
if [ "$rc" -ne 0 ] || [ -n "$out" ]; then
  printf '%s\n' "$out"
  echo "systemd-analyze verify: FAILED (exit $rc) for scripts/systemd/*"
  exit 1
fi
echo "systemd-analyze verify: OK ($(systemd-analyze --version | head -n 1); complexionist-sync.service, complexionist-sync.timer)"
