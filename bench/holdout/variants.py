#!/usr/bin/env python3
"""Builds check sets from a corpus (default /work/shared/corpus) that its own files cannot show,
in the same manifest format, for `npx tsx bench/accuracy.ts --corpus OUT`:

  variants.py noise OUT   every clean recording again with line noise it does not have
                          (white, pink or brown, 10-20 dB below the speech)
  variants.py voices OUT  every flite item said again by espeak-ng voices the corpus lacks
                          (none of the voices kept for evaluation, as flite's slt, kal and kal16
                          are), 60% of them with such noise

Needs flite, espeak-ng and sox. Deterministic (fixed seeds)."""
import array, json, math, os, random, subprocess, sys

from voices import OTHER_ESPEAK
from wavio import read, write

mode, out = sys.argv[1], sys.argv[2]
src = sys.argv[3] if len(sys.argv) > 3 else '/work/shared/corpus'
rng = random.Random({'noise': 11, 'voices': 5}[mode])
os.makedirs(os.path.join(out, 'audio'), exist_ok=True)
subprocess.run(['cp', os.path.join(src, 'directory.yaml'), out], check=True)


def noisy(s):
    """`s` with sox-made noise at a random colour and 10-20 dB below its active speech."""
    color = rng.choice(['white', 'pink', 'brown'])
    snr = rng.uniform(10, 20)
    tmp = os.path.join(out, 'noise.raw')
    subprocess.run(['sox', '-R', '-n', '-r', '8000', '-b', '16', '-e', 'signed', '-c', '1', '-t', 'raw', tmp,
                    'synth', str(len(s) / 8000 + 0.1), color + 'noise', 'vol', '0.3'], check=True)
    with open(tmp, 'rb') as f:
        n = array.array('h', f.read())[:len(s)]
    os.remove(tmp)
    active = [x for x in s if abs(x) > 300] or [1]
    speech = math.sqrt(sum(x * x for x in active) / len(active))
    level = math.sqrt(sum(x * x for x in n) / len(n)) or 1
    gain = speech / level / 10 ** (snr / 20)
    mixed = array.array('h', (max(-32768, min(32767, int(a + gain * b))) for a, b in zip(s, n)))
    return mixed, f'{color}{round(snr)}'


lines = []
with open(os.path.join(src, 'manifest.jsonl')) as f:
    items = [json.loads(l) for l in f if l.strip()]
for i, r in enumerate(items):
    if r['kind'] == 'silence':
        continue
    if mode == 'noise':
        if r['condition'] != 'clean':
            continue
        s, cond = noisy(read(os.path.join(src, r['file'])))
        voice = r['voice']
    else:
        if not r['voice'].startswith('flite'):
            continue
        v = rng.choice(OTHER_ESPEAK)
        raw, r8 = os.path.join(out, 'raw.wav'), os.path.join(out, 'r8.wav')
        subprocess.run(['espeak-ng', '-v', v, '-s', str(rng.randint(145, 180)), '-w', raw, r['tts_text']],
                       check=True)
        subprocess.run(['sox', raw, '-r', '8000', '-c', '1', '-b', '16', r8, 'norm', str(-rng.uniform(2, 9))], check=True)
        s = read(r8)
        s = array.array('h', [0] * int(8000 * rng.uniform(0.1, 0.3))) + s + array.array('h', [0] * 2400)
        s, cond = noisy(s) if rng.random() < 0.6 else (s, 'clean')
        voice = 'espeak-ng/' + v
        for p in (raw, r8):
            os.remove(p)
    name = f'audio/{mode}-{i:04d}.wav'
    write(os.path.join(out, name), s)
    lines.append(dict(r, file=name, voice=voice, condition=cond))
with open(os.path.join(out, 'manifest.jsonl'), 'w') as f:
    f.write(''.join(json.dumps(l) + '\n' for l in lines))
print(f'{len(lines)} files in {out}')
