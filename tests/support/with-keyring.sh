#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with an unlocked gnome-keyring, so that
# keytar talks to a real Secret Service. The keyring lives in a throwaway data folder:
# the developer's own keyring is never touched.
set -euo pipefail

if [ -n "${SWITCHBOARD_KEYRING_READY:-}" ]; then
  exec "$@"
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "switchboard tests: '$tool' is missing. Install the Secret Service used by the keychain tests:" >&2
    echo "  sudo apt-get install dbus gnome-keyring libsecret-1-0" >&2
    exit 1
  fi
done

keyring_home=$(mktemp -d -t switchboard-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT

# Not exec: the trap must run after the session ends.
dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$1"; shift
  export SWITCHBOARD_KEYRING_READY=1
  eval "$(printf "switchboard-test" | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  "$@"
' bash "$keyring_home" "$@"
