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

# The special information tone: three rising tones, then silence.
for part in "913.8 0.274" "1370.6 0.274" "1776.7 0.380"; do
  set -- $part
  sox -D -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/sit-$1.wav" synth "$2" sine "$1" vol 0.5
done
sox -D -n -r 8000 -c 1 -b 16 -e signed-integer "$tmp/gap.wav" trim 0 0.5
sox -D "$tmp/sit-913.8.wav" "$tmp/sit-1370.6.wav" "$tmp/sit-1776.7.wav" "$tmp/gap.wav" sit.wav
echo "sit.wav: special information tone ($(soxi -D sit.wav) s)"
