#!/usr/bin/env python3
"""Builds a set of human speech that names nobody, in the manifest format of
`bench/accuracy.ts --corpus`: every recording of Asterisk's English prompts (one woman's voice,
Debian's asterisk-core-sounds-en-wav, 8 kHz; IVR sentences, words, digits, letters, the
phonetic alphabet) as a caller's answer, against a directory. None is a caller asking for
someone, so each one Doorman puts through or reads names to is a caller naming nobody who beat
the screen. It measures the screen on a human voice; it is not for choosing thresholds.

  make.py DIRECTORY.yaml OUT    e.g. make.py ../shared/corpus/directory.yaml /tmp/human

The recordings come from the Asterisk sandbox's root (scripts/setup.sh installs it; ASTERISK_ROOT
as in scripts/asterisk.sh; it need not be running). OUT/audio links to them; nothing is copied."""
import json, os, shutil, sys, wave

DIRECTORY, OUT = sys.argv[1], sys.argv[2]
ROOT = os.environ.get('ASTERISK_ROOT', '/opt/doorman-asterisk')
SOUNDS = os.path.join(ROOT, 'usr/share/asterisk/sounds/en_US_f_Allison')
if not os.path.isdir(SOUNDS):
    sys.exit(f'{SOUNDS} not found: run scripts/setup.sh first')

os.makedirs(OUT, exist_ok=True)
shutil.copy(DIRECTORY, os.path.join(OUT, 'directory.yaml'))
audio = os.path.join(OUT, 'audio')
if os.path.islink(audio):
    os.remove(audio)
os.symlink(SOUNDS, audio)
lines = []
for folder in sorted(d for d in os.listdir(SOUNDS) if os.path.isdir(os.path.join(SOUNDS, d))) + ['']:
    for name in sorted(os.listdir(os.path.join(SOUNDS, folder))):
        if not name.endswith('.wav') or folder == 'silence':
            continue
        with wave.open(os.path.join(SOUNDS, folder, name)) as w:
            seconds = w.getnframes() / w.getframerate()
        lines.append({'file': os.path.join('audio', folder, name), 'text': os.path.join(folder, name[:-4]),
                      'expect': 'nomatch', 'accept': ['nomatch', 'machine', 'silence'],
                      'voice': 'human/allison', 'condition': 'clean', 'kind': folder or 'prompt',
                      'duration_s': round(seconds, 3)})
with open(os.path.join(OUT, 'manifest.jsonl'), 'w') as f:
    f.write(''.join(json.dumps(l) + '\n' for l in lines))
print(f'{len(lines)} recordings in {OUT}')
