#!/usr/bin/env python3
"""Builds a small held-out corpus (other names and directory than /work/shared/corpus, said by
flite's awb and rms and by espeak-ng voices the corpus lacks) in the same manifest format, for
`npx tsx bench/accuracy.ts --corpus bench/holdout/out`.

  make.py [OUT]            the general set (directory.yaml)
  make.py [OUT] origins    names whose spelling shows their language (Irish, Polish, pinyin,
                           Vietnamese; directory-origins.yaml), said as that language says them

Needs flite, espeak-ng and sox. Deterministic (fixed seed)."""
import json, os, random, subprocess, sys

from voices import OTHER_ESPEAK
from wavio import read, write

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, 'out')
SET = sys.argv[2] if len(sys.argv) > 2 else 'general'
rng = random.Random(7)
# None of the voices kept for evaluation (issue 19): not flite's kal, kal16 or slt.
VOICES = ['flite/awb', 'flite/rms'] + ['espeak-ng/' + v for v in OTHER_ESPEAK]
# (expect, text said, text given to the synthesizer, kind)
ITEMS = [
    ('michael-brown', 'Michael Brown', 'Michael Brown', 'name'),
    ('michael-brown', "I'd like to speak to Mike, please.", "I'd like to speak to Mike, please.", 'phrase'),
    ('sarah-johnson', 'Is Sarah Johnson there?', 'Is Sarah Johnson there?', 'phrase'),
    ('sara-johnston', 'Sara Johnston, please.', 'Sara Johnston, please.', 'phrase'),
    ('hannah-schmidt', 'Hannah Schmidt', 'Hannah Shmitt', 'name'),
    ('hannah-schmidt', "I'm calling for Ms. Schmidt.", "I'm calling for Miz Shmitt.", 'phrase'),
    ('rajesh-kumar', 'Rajesh Kumar', 'Rahjesh Koomar', 'name'),
    ('rajesh-kumar', 'Can I talk to Raj?', 'Can I talk to Rahj?', 'phrase'),
    ('mei-lin', 'Mei Lin, please.', 'May Lin, please.', 'phrase'),
    ('mei-lin', 'Uh, is Mei there?', 'Uh, is May there?', 'phrase'),
    ('olga-petrova', 'Olga Petrova', 'Olga Petrova', 'name'),
    ('olga-petrova', "Hi, I'm looking for Olga.", "Hi, I'm looking for Olga.", 'phrase'),
    ('ahmed-hassan', 'Ahmed Hassan', 'Ahmed Hassan', 'name'),
    ('ahmed-hassan', 'Can I speak to Mr. Hassan?', 'Can I speak to Mister Hassan?', 'phrase'),
    ('lucia-moreno', 'Lucia Moreno', 'Loo see ah Moreno', 'name'),
    ('lucia-moreno', 'Is Lucy there?', 'Is Lucy there?', 'phrase'),
    ('emeka-nwosu', 'Emeka Nwosu', 'Emeka Nwoso', 'name'),
    ('emeka-nwosu', "I'd like to speak to Emeka please.", "I'd like to speak to Emeka please.", 'phrase'),
    ('ingrid-larsen', 'Ingrid Larsen', 'Ingrid Larsen', 'name'),
    ('ingrid-larsen', 'Put me through to Ingrid.', 'Put me through to Ingrid.', 'phrase'),
    ('james-murphy', 'Jim Murphy', 'Jim Murphy', 'name'),
    ('james-murphy', 'Is James there?', 'Is James there?', 'phrase'),
    ('accounting', 'Accounting, please.', 'Accounting, please.', 'name'),
    ('shipping', 'The shipping department.', 'The shipping department.', 'phrase'),
    ('human-resources', 'Human resources.', 'Human resources.', 'name'),
    ('human-resources', 'Can I talk to HR?', 'Can I talk to H R?', 'phrase'),
    ('nomatch', 'Is Kevin there?', 'Is Kevin there?', 'nomatch'),
    ('nomatch', "I'd like to speak to Doctor Patel.", "I'd like to speak to Doctor Patel.", 'nomatch'),
    ('nomatch', 'The warehouse, please.', 'The warehouse, please.', 'nomatch'),
    ('nomatch', 'Marketing department.', 'Marketing department.', 'nomatch'),
    ('nomatch', 'Hello?', 'Hello?', 'hello'),
    ('nomatch', 'Hi there.', 'Hi there.', 'hello'),
    ('nomatch', 'Yes, hello?', 'Yes, hello?', 'hello'),
    ('nomatch', 'Can I speak to Bernadette Okafor?', 'Can I speak to Bernadette Okafor?', 'nomatch'),
    ('machine', '', 'Congratulations! You have been selected for a free cruise to the Bahamas. To claim your prize, press one now, or call us back at the number on your screen. This offer expires today.', 'monologue'),
    ('machine', '', 'This is an important message about your vehicle warranty. Our records show that your coverage is about to expire. Please stay on the line to speak with a customer service representative about extending it.', 'monologue'),
    ('machine', '', 'Hello, this is a courtesy call from your energy supplier. You may be paying too much for electricity. Press one to hear how you could save up to thirty percent on your monthly bill.', 'monologue'),
]

ORIGIN_ITEMS = [
    ('aoife-byrne', 'Aoife Byrne', 'Eefa Byrne', 'name'),
    ('aoife-byrne', "I'd like to speak to Aoife, please.", "I'd like to speak to Eefa, please.", 'phrase'),
    ('saoirse-flanagan', 'Saoirse Flanagan', 'Seersha Flanagan', 'name'),
    ('saoirse-flanagan', 'Is Saoirse there?', 'Is Seersha there?', 'phrase'),
    ('caoimhe-walsh', 'Caoimhe Walsh, please.', 'Keeva Walsh, please.', 'phrase'),
    ('caoimhe-walsh', 'Can I talk to Caoimhe?', 'Can I talk to Keeva?', 'phrase'),
    ('grzegorz-szymanski', 'Grzegorz Szymanski', 'Gzhegosh Shimanski', 'name'),
    ('grzegorz-szymanski', "I'm calling for Mr. Szymanski.", "I'm calling for Mister Shimanski.", 'phrase'),
    ('malgorzata-nowak', 'Malgorzata Nowak', 'Mawgoshata Novak', 'name'),
    ('malgorzata-nowak', 'Is Malgorzata there?', 'Is Mawgoshata there?', 'phrase'),
    ('qiang-liu', 'Qiang Liu', 'Chyang Lyoh', 'name'),
    ('qiang-liu', "Hi, I'm looking for Qiang.", "Hi, I'm looking for Chyang.", 'phrase'),
    ('xiulan-zhou', 'Xiulan Zhou', 'Shyoh lahn Joe', 'name'),
    ('xiulan-zhou', 'Can I speak to Xiulan?', 'Can I speak to Shyoh lahn?', 'phrase'),
    ('thanh-le', 'Thanh Le', 'Tahn Lay', 'name'),
    ('thanh-le', 'Is Thanh there?', 'Is Tahn there?', 'phrase'),
    ('karen-walsh', 'Karen Walsh', 'Karen Walsh', 'name'),
    ('karen-walsh', 'Is Karen there?', 'Is Karen there?', 'phrase'),
    ('peter-novak', 'Peter Novak, please.', 'Peter Novak, please.', 'phrase'),
    ('sean-murphy', "I'd like to speak to Sean Murphy.", "I'd like to speak to Shawn Murphy.", 'phrase'),
    ('nomatch', 'Is Kevin there?', 'Is Kevin there?', 'nomatch'),
    ('nomatch', 'Hello?', 'Hello?', 'hello'),
    ('nomatch', 'Can I speak to Bernadette Okafor?', 'Can I speak to Bernadette Okafor?', 'nomatch'),
]
ITEMS, DIRECTORY = {'general': (ITEMS, 'directory.yaml'), 'origins': (ORIGIN_ITEMS, 'directory-origins.yaml')}[SET]


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def rms(s):
    return (sum(x * x for x in s) / max(1, len(s))) ** 0.5

os.makedirs(os.path.join(OUT, 'audio'), exist_ok=True)
lines = []
items = ITEMS + [('silence', '', '', 'silence')] * 2
for i, (expect, text, tts, kind) in enumerate(items):
    name = f'audio/hold-{i + 1:03d}.wav'
    raw = os.path.join(OUT, 'raw.wav')
    voice = 'none'
    cond = 'clean'
    if kind == 'silence':
        s = [rng.gauss(0, 20) for _ in range(8000 * 3)]
    else:
        voice = VOICES[i % len(VOICES)]
        engine, v = voice.split('/')
        if engine == 'flite':
            run(['flite', '-voice', v, '-t', tts, '-o', raw])
        else:
            run(['espeak-ng', '-v', v, '-s', str(rng.randint(145, 180)), '-w', raw, tts])
        run(['sox', raw, '-r', '8000', '-c', '1', '-b', '16', os.path.join(OUT, 'r8.wav'), 'silence', '1', '0.02', '0.5%', 'reverse', 'silence', '1', '0.02', '0.5%', 'reverse', 'norm', str(-rng.uniform(2, 9))])
        s = list(read(os.path.join(OUT, 'r8.wav')))
        s = [0.0] * int(8000 * rng.uniform(0.05, 0.25)) + s + [0.0] * int(8000 * rng.uniform(0.2, 0.4))
        if rng.random() < 0.5:
            cond = 'noise20'
            level = rms([x for x in s if abs(x) > 50]) / 10  # 20 dB below the active speech
            s = [x + rng.gauss(0, level) for x in s]
    write(os.path.join(OUT, name), s)
    lines.append({'file': name, 'text': text if kind != 'monologue' else tts, 'expect': expect, 'accept': [expect],
                  'voice': voice, 'condition': cond, 'kind': kind, 'tts_text': tts, 'duration_s': round(len(s) / 8000, 3)})
for f in ('raw.wav', 'r8.wav'):
    if os.path.exists(os.path.join(OUT, f)): os.remove(os.path.join(OUT, f))
with open(os.path.join(OUT, 'manifest.jsonl'), 'w') as f:
    f.write('\n'.join(json.dumps(l) for l in lines) + '\n')
run(['cp', os.path.join(HERE, DIRECTORY), os.path.join(OUT, 'directory.yaml')])
print(f'{len(lines)} files in {OUT}')
