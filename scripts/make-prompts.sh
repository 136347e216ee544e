#!/usr/bin/env bash
# Regenerates prompts/*.wav from prompts/prompts.yaml with Debian's flite (voice slt),
# as 8 kHz mono 16-bit WAV, the format Asterisk plays without transcoding.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../prompts"
command -v flite >/dev/null && command -v sox >/dev/null || { echo "needs: apt-get install flite sox" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sed -n 's/^\([a-z0-9-]*\): *"\(.*\)"$/\1\t\2/p' prompts.yaml | while IFS=$'\t' read -r name text; do
  flite -voice slt -t "$text" -o "$tmp/$name.wav"
  # -D: no dither, so the same text always gives the same bytes.
  sox -D "$tmp/$name.wav" -r 8000 -c 1 -b 16 -e signed-integer "$name.wav" norm -3
  echo "$name.wav: $text ($(soxi -D "$name.wav") s)"
done
