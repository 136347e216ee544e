import { access, constants, mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import { screenPcm } from '../challenge/screen-file.js';
import { createChallenge, directoryFile, loadDirectoryFile } from '../challenge/setup.js';
import type { Config } from '../config/schema.js';
import { describeEngine } from '../speech/engine.js';
import { speak } from '../speech/tts.js';
import { Store } from '../store/store.js';
import { withTimeout } from '../util/timeout.js';
import { checkNameLanguages } from './doctor-languages.js';
import { checkMqtt } from './doctor-mqtt.js';
import { checkPinSets } from './doctor-pins.js';

export interface Finding {
  check: string;
  ok: boolean;
  detail: string;
  /** What to do about it, when not ok. */
  fix?: string;
}

export interface DoctorOptions {
  /** Asterisk's configuration folder, to check the dialplan and http.conf (skipped when unreadable). */
  asteriskEtc: string;
  /** Asterisk's sounds folder, to check Doorman's prompts are installed. */
  sounds: string;
  logger: Logger;
}

/** Modules Doorman cannot work without, and what each is for. */
const MODULES: Record<string, string> = {
  'res_ari.so': 'ARI itself',
  'res_ari_channels.so': 'answering, playing, routing calls',
  'res_ari_bridges.so': "bridging the caller with Doorman's media channel",
  'res_ari_playbacks.so': 'stopping prompts a caller types over',
  'res_ari_device_states.so': 'the screening BLF lamp',
  'res_stasis.so': 'Stasis applications',
  'app_stasis.so': 'Stasis() in the dialplan',
  'chan_websocket.so': "streaming the caller's audio to Doorman (external media)",
  'res_http_websocket.so': 'WebSockets on the HTTP server',
  'func_timeout.so': 'TIMEOUT(absolute): the lease that returns calls to the dialplan if Doorman dies',
};

const PROMPTS = [
  'who-to-speak-to',
  'sorry-again',
  'full-name',
  'sit',
  'enter-pin',
  'wrong-pin',
  'screening-on',
  'screening-off',
];

/**
 * Checks what Doorman needs, outside and in, and says what to fix: ARI reachable with these
 * credentials, a recent enough Asterisk with the modules loaded, the dialplan sending calls to
 * Doorman with a fallback, the prompts installed, the database, the speech engine, writable
 * folders. Every probe has a deadline; one failing does not stop the others.
 */
export async function doctor(config: Config, opts: DoctorOptions): Promise<Finding[]> {
  const out: Finding[] = [];
  const ari = await checkAri(config, out);
  if (ari) await checkModules(config, out);
  await checkDialplan(config, opts.asteriskEtc, out);
  await checkPrompts(opts.sounds, out);
  await checkDatabase(config, out);
  await checkMqtt(config, out);
  await checkSpeech(config, opts.logger, out);
  if (config.speech.engine === 'soundswallower') await checkNameLanguages(config, out);
  for (const [what, dir] of [
    ['recordings folder', config.recordings.dir],
    ['write-queue folder', dirname(config.store.queueFile)],
  ] as const) {
    try {
      await mkdir(dir, { recursive: true });
      await access(dir, constants.W_OK);
      out.push({ check: what, ok: true, detail: `${dir} is writable` });
    } catch (e) {
      out.push({
        check: what,
        ok: false,
        detail: `${dir}: ${(e as NodeJS.ErrnoException).code ?? e}`,
        fix: `create ${dir} and let Doorman's user write to it`,
      });
    }
  }
  return out;
}

function ariFetch(config: Config, path: string): Promise<Response> {
  const auth = Buffer.from(`${config.ari.username}:${config.ari.password}`).toString('base64');
  return fetch(new URL(`/ari/${path}`, config.ari.url), {
    headers: { authorization: `Basic ${auth}` },
    signal: AbortSignal.timeout(config.ari.requestTimeoutMs),
  });
}

async function checkAri(config: Config, out: Finding[]): Promise<boolean> {
  const check = 'ARI';
  let res: Response;
  try {
    res = await ariFetch(config, 'asterisk/info');
  } catch (e) {
    const why = (e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).name;
    out.push({
      check,
      ok: false,
      detail: `no answer from ${config.ari.url} (${why})`,
      fix: 'start Asterisk; in http.conf set enabled = yes and bindaddr/bindport to match ari.url',
    });
    return false;
  }
  if (res.status === 401) {
    out.push({
      check,
      ok: false,
      detail: `Asterisk refused user "${config.ari.username}" (401)`,
      fix: `add [${config.ari.username}] to ari.conf with the password in ari.password (type = user, read_only = no)`,
    });
    return false;
  }
  if (!res.ok) {
    out.push({
      check,
      ok: false,
      detail: `${config.ari.url} answered ${res.status}`,
      fix: 'enable ARI: ari.conf [general] enabled = yes, and load res_ari.so',
    });
    return false;
  }
  const info = (await res.json()) as { system?: { version?: string } };
  const version = info.system?.version ?? 'unknown';
  out.push({ check, ok: true, detail: `${config.ari.url} as "${config.ari.username}": Asterisk ${version}` });
  const major = Number(/^(\d+)/.exec(version)?.[1] ?? 0);
  out.push(
    major >= 22
      ? { check: 'Asterisk version', ok: true, detail: `${version} (22 or later has chan_websocket)` }
      : {
          check: 'Asterisk version',
          ok: false,
          detail: `${version}: external media over WebSocket needs Asterisk 22 or later`,
          fix: 'upgrade Asterisk to 22 (Debian: apt install asterisk from trixie/sid)',
        },
  );
  return true;
}

async function checkModules(config: Config, out: Finding[]): Promise<void> {
  await Promise.all(
    Object.entries(MODULES).map(async ([name, why]) => {
      const res = await ariFetch(config, `asterisk/modules/${name}`).catch(() => null);
      const status = res?.ok ? ((await res.json()) as { status?: string }).status : undefined;
      out.push(
        status === 'Running'
          ? { check: `module ${name}`, ok: true, detail: 'running' }
          : {
              check: `module ${name}`,
              ok: false,
              detail: `${res?.status === 404 ? 'not loaded' : (status ?? `unknown (${res?.status ?? 'no answer'})`)}: needed for ${why}`,
              fix: `load ${name} (modules.conf: load = ${name}; or: asterisk -rx "module load ${name}")`,
            },
      );
    }),
  );
  out.sort((a, b) =>
    a.check.startsWith('module') && b.check.startsWith('module') ? a.check.localeCompare(b.check) : 0,
  );
}

/** The dialplan text from extensions.conf and the files it #includes (FreePBX: extensions_custom.conf). */
async function readDialplan(etc: string): Promise<string | null> {
  const seen = new Set<string>();
  const read = async (file: string): Promise<string> => {
    if (seen.has(file) || seen.size > 50) return '';
    seen.add(file);
    const text = await readFile(file, 'utf8').catch(() => '');
    const included = await Promise.all(
      [...text.matchAll(/^#include\s+"?([^"\s]+)"?/gm)].map((m) => {
        const name = m[1] as string;
        return read(name.startsWith('/') ? name : join(etc, name));
      }),
    );
    return [text, ...included].join('\n');
  };
  const main = join(etc, 'extensions.conf');
  try {
    await access(main, constants.R_OK);
  } catch {
    return null;
  }
  return read(main);
}

async function checkDialplan(config: Config, etc: string, out: Finding[]): Promise<void> {
  const text = await readDialplan(etc);
  if (text === null) {
    out.push({
      check: 'dialplan',
      ok: true,
      detail: `skipped: cannot read ${join(etc, 'extensions.conf')} (pass --asterisk-etc DIR to check it)`,
    });
    return;
  }
  const app = config.ari.app;
  const stasis = new RegExp(`Stasis\\(\\s*${app}\\s*,\\s*\\$\\{EXTEN\\}`, 'i');
  const lines = text.split('\n');
  const at = lines.findIndex((l) => stasis.test(l.replace(/;.*$/, '')));
  if (at < 0) {
    out.push({
      check: 'dialplan',
      ok: false,
      detail: `no Stasis(${app},\${EXTEN}) line in ${etc}/extensions.conf or its includes: no call reaches Doorman`,
      fix: 'add the inbound context printed by `doorman asterisk-config` and point the inbound route at it',
    });
    return;
  }
  const near = lines.slice(Math.max(0, at - 5), at + 6).join('\n');
  out.push({
    check: 'dialplan',
    ok: true,
    detail: `calls enter Doorman at ${etc}/extensions.conf: ${lines[at]?.trim()}`,
  });
  out.push(
    /TIMEOUT\(absolute\)\s*=/i.test(near) && /exten\s*=>\s*T\s*,/i.test(text)
      ? { check: 'dialplan fallback', ok: true, detail: 'lease (TIMEOUT(absolute)) and T extension present' }
      : {
          check: 'dialplan fallback',
          ok: false,
          detail:
            'no Set(TIMEOUT(absolute)=...) before Stasis() or no T extension: calls wait forever if Doorman dies',
          fix: `Set(TIMEOUT(absolute)=${config.calls.leaseSeconds}) before Stasis(), and exten => T,1,Goto(<your fallback>)`,
        },
  );
  const http = await readFile(join(etc, 'http.conf'), 'utf8').catch(() => '');
  const limit = Number(/^\s*sessionlimit\s*=\s*(\d+)/m.exec(http)?.[1] ?? 100);
  out.push(
    limit >= 200
      ? { check: 'http.conf sessionlimit', ok: true, detail: String(limit) }
      : {
          check: 'http.conf sessionlimit',
          ok: false,
          detail: `${limit}: each screened call holds one HTTP session for its media; calls stall near this many`,
          fix: 'set sessionlimit = 1000 under [general] in http.conf',
        },
  );
}

async function checkPrompts(sounds: string, out: Finding[]): Promise<void> {
  const dir = join(sounds, 'doorman');
  try {
    await access(sounds, constants.R_OK);
  } catch {
    // Doorman may run where Asterisk's files are not (a container of its own).
    out.push({
      check: 'prompts',
      ok: true,
      detail: `skipped: no ${sounds} here (pass --sounds DIR to check them)`,
    });
    return;
  }
  const missing: string[] = [];
  for (const p of PROMPTS) {
    const found = await Promise.any(
      ['wav', 'wav16', 'gsm', 'ulaw', 'sln'].map((ext) => access(join(dir, `${p}.${ext}`), constants.R_OK)),
    ).then(
      () => true,
      () => false,
    );
    if (!found) missing.push(p);
  }
  out.push(
    missing.length === 0
      ? { check: 'prompts', ok: true, detail: `${PROMPTS.length} prompts in ${dir}` }
      : {
          check: 'prompts',
          ok: false,
          detail: `missing in ${dir}: ${missing.join(', ')} (callers would hear nothing)`,
          fix: `cp prompts/*.wav ${dir}/ (or pass --sounds DIR if Asterisk's sounds live elsewhere)`,
        },
  );
}

async function checkDatabase(config: Config, out: Finding[]): Promise<void> {
  const shown = config.store.url.replace(/\/\/[^@]*@/, '//***@');
  try {
    const store = await withTimeout(
      Store.open({ ...config.store, timeoutMs: Math.max(config.store.timeoutMs, 3_000) }),
      15_000,
      'opening the database',
    );
    try {
      const t0 = performance.now();
      await store.lookup('+10000000000');
      out.push({
        check: 'database',
        ok: true,
        detail: `${shown}: schema current, lookup ${(performance.now() - t0).toFixed(1)} ms`,
      });
      await checkPinSets(config, store, out);
    } finally {
      await store.close();
    }
  } catch (e) {
    out.push({
      check: 'database',
      ok: false,
      detail: `${shown}: ${(e as Error).message}`,
      fix: 'check store.url (host, port, user, password, database) and that the server runs; calls still pass (fail-open) meanwhile',
    });
  }
}

async function checkSpeech(config: Config, logger: Logger, out: Finding[]): Promise<void> {
  try {
    const entries = loadDirectoryFile(directoryFile(config));
    const t0 = performance.now();
    const challenge = await withTimeout(
      createChallenge(config, entries, logger),
      60_000,
      'loading the speech engine',
    );
    try {
      const ready = `${describeEngine(challenge.engine)}: ${entries.length} directory entries, ready in ${Math.round(performance.now() - t0)} ms`;
      // A spoken name, end to end through recognition and matching (when flite is installed).
      const entry = entries.find((e) => e.enabled);
      const samples = entry ? await speak(`${entry.name}, please.`).catch(() => null) : null;
      if (!entry || !samples) {
        out.push({
          check: 'speech engine',
          ok: true,
          detail: `${ready} (no test phrase: flite not installed)`,
        });
      } else {
        const pad = new Int16Array(8_000);
        const pcm = { sampleRate: 16_000, samples: Int16Array.from([...pad, ...samples, ...pad, ...pad]) };
        const heard = await withTimeout(screenPcm(challenge, pcm), 20_000, 'recognising a test phrase');
        const ok = heard.entry === entry.id;
        out.push({
          check: 'speech engine',
          ok,
          detail: `${ready}; "${entry.name}, please." (flite) heard as "${heard.transcript}" -> ${heard.outcome}${heard.entry ? ` ${heard.entry}` : ''}`,
          ...(ok
            ? {}
            : {
                fix: `add a sounds_like spelling for ${entry.id} in the directory, or check the speech settings`,
              }),
        });
      }
    } finally {
      await challenge.engine.close();
    }
  } catch (e) {
    out.push({
      check: 'speech engine',
      ok: false,
      detail: `${config.speech.engine}: ${(e as Error).message}`,
      fix:
        config.speech.engine === 'google'
          ? 'check speech.google.keyFile (or Application Default Credentials) and network access to Google'
          : 'check directory.file and speech.phrasesFile; reinstall with npm ci',
    });
  }
}

/** Findings as lines a person reads: what is wrong first, each with its fix. */
export function formatFindings(findings: Finding[]): string {
  const lines = findings.map(
    (f) => `${f.ok ? 'ok  ' : 'FAIL'}  ${f.check}: ${f.detail}${f.fix ? `\n        fix: ${f.fix}` : ''}`,
  );
  const bad = findings.filter((f) => !f.ok).length;
  return `${lines.join('\n')}\n\n${bad ? `${bad} problem(s) found` : 'everything Doorman needs is in place'}\n`;
}
