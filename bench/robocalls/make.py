#!/usr/bin/env python3
"""Builds a set of recorded messages that name someone in their first words, then pause, then go
on (8-18 s, 10-15 dB SNR), in the manifest format of `bench/accuracy.ts --corpus`: the robocall
that a screen deciding on the first words puts through to a person.

  make.py DIRECTORY.yaml OUT     e.g. make.py ../shared/corpus/directory.yaml /tmp/robocalls

Voices: flite rms and awb, espeak-ng (none of the voices kept for evaluation). Needs flite,
espeak-ng and sox. Deterministic (fixed seed)."""
import json, os, random, re, shutil, subprocess, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'holdout'))
from wavio import read, write  # noqa: E402

DIRECTORY, OUT = sys.argv[1], sys.argv[2]
rng = random.Random(11)
VOICES = ['flite/rms', 'flite/awb', 'espeak-ng/en-us+m3', 'espeak-ng/en-gb+f2']
OPENERS = ['Hi, this is a message for {}.', 'Hello {}, this is Rachel from account services.',
           'This call is for {}.', 'Good afternoon, I am trying to reach {}.']
REST = ['We are calling about your vehicle warranty, which is about to expire.',
        'Please press one now to speak with a specialist about extending your coverage.',
        'Our records show you may qualify for a lower interest rate on your credit card.',
        'This is your final notice before your account is closed.',
        'To stop receiving these calls, press two.',
        'You have been selected for a free holiday, and this offer ends today.']


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rms(s):
    return (sum(x * x for x in s) / max(1, len(s))) ** 0.5


def people(path):
    """The directory's people, by the name a caller would read off a list."""
    names, kind = [], None
    for line in open(path, encoding='utf8'):
        m = re.match(r'\s*-?\s*(\w+):\s*(.*)$', line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip().strip('"\'')
        if key == 'type':
            kind = value
        elif key == 'name' and kind in (None, 'person'):
            names.append(value)
    return names


def say(voice, text, out):
    engine, v = voice.split('/')
    raw = out + '.raw.wav'
    if engine == 'flite':
        run(['flite', '-voice', v, '-t', text, '-o', raw])
    else:
        run(['espeak-ng', '-v', v, '-s', str(rng.randint(150, 175)), '-w', raw, text])
    run(['sox', raw, '-r', '8000', '-c', '1', '-b', '16', out, 'silence', '1', '0.02', '0.5%',
         'reverse', 'silence', '1', '0.02', '0.5%', 'reverse', 'norm', '-6'])
    os.remove(raw)
    s = list(read(out))
    os.remove(out)
    return s


os.makedirs(os.path.join(OUT, 'audio'), exist_ok=True)
names = people(DIRECTORY)
lines = []
for i in range(16):
    voice = VOICES[i % len(VOICES)]
    parts = [rng.choice(OPENERS).format(rng.choice(names))] + rng.sample(REST, 2)
    s = [0.0] * int(8000 * rng.uniform(0.05, 0.3))
    pauses = []
    for k, text in enumerate(parts):
        if k:
            pause = rng.uniform(1.0, 2.0)
            pauses.append(round(pause, 2))
            s += [0.0] * int(8000 * pause)
        s += say(voice, text, os.path.join(OUT, 'part.wav'))
    s += [0.0] * int(8000 * rng.uniform(0.2, 0.4))
    snr = rng.uniform(10, 15)
    level = rms([x for x in s if abs(x) > 50]) / (10 ** (snr / 20))
    s = [x + rng.gauss(0, level) for x in s]
    name = f'audio/robocall-{i + 1:03d}.wav'
    write(os.path.join(OUT, name), s)
    lines.append({'file': name, 'text': ' '.join(parts), 'expect': 'machine', 'accept': ['machine'],
                  'voice': voice, 'condition': f'noise{round(snr)}', 'kind': 'monologue',
                  'pauses_s': pauses, 'duration_s': round(len(s) / 8000, 3)})
with open(os.path.join(OUT, 'manifest.jsonl'), 'w') as f:
    f.write('\n'.join(json.dumps(l) for l in lines) + '\n')
shutil.copy(DIRECTORY, os.path.join(OUT, 'directory.yaml'))
print(f'{len(lines)} files in {OUT}, {min(l["duration_s"] for l in lines)}-{max(l["duration_s"] for l in lines)} s')
