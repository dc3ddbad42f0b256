/**
 * Signed bodies through the real proxy: a route that requires
 * `X-Signature: t=<unix>,kid=<id>,sig=<hex>` (HMAC-SHA256 over "<t>." and the
 * body). A valid signature lets a serialized body through with its findings
 * logged as "logged"; missing, malformed, unknown-key, expired, future and
 * wrong signatures get 401 with a reason code only. Two keys live at once
 * (rotation), one from a file and one from the environment. `deserwall sign`
 * produces headers the proxy accepts. Missing keys are config errors that
 * name the key path.
 */
import { spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CLI, configFor, startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';
import { findingsOf, send } from './http.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-sig-'));
const KEY_OLD = randomBytes(32).toString('base64');
const KEY_NEW = randomBytes(24).toString('hex');
const KEY_OTHER = randomBytes(32).toString('base64');
const oldFile = join(dir, 'old.key');
writeFileSync(oldFile, KEY_OLD + '\n');
const otherFile = join(dir, 'other.key');
writeFileSync(otherFile, KEY_OTHER + '\n');

/** Protocol-0 pickle that calls os.system('id') when loaded. */
const PICKLE_ATTACK = Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1');

const CONFIG = `
logging: { level: info }
routes:
  - name: signed
    match: { path: /signed }
    policy: default
    signature:
      keys:
        - { id: k-old, file: ${oldFile} }
        - { id: k-new, env: DW_TEST_SIG_KEY_NEW }
      maxSkewSeconds: 300
  - name: custom-header
    match: { path: /hooks }
    signature:
      header: X-Hub-Signature
      keys: [{ id: hook, env: DW_TEST_SIG_KEY_NEW }]
`;

let upstream: Upstream;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(configFor(upstream.url, CONFIG), [], { DW_TEST_SIG_KEY_NEW: KEY_NEW });
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

const now = () => Math.floor(Date.now() / 1000);

function sign(key: string, kid: string, t: number | string, body: Buffer): string {
  const mac = createHmac('sha256', Buffer.from(key, 'utf8')).update(`${t}.`).update(body).digest('hex');
  return `t=${t},kid=${kid},sig=${mac}`;
}

const postSigned = (header: string | null, body: Buffer = PICKLE_ATTACK, path = '/signed/upload', name = 'X-Signature') =>
  send(proxy, path, { body, contentType: 'application/octet-stream', headers: header === null ? [] : [`${name}: ${header}`] });

function expect401(r: Awaited<ReturnType<typeof send>>, code: string): void {
  expect(r.status).toBe(401);
  expect(r.forwarded).toBe(false);
  // Only the reason code: no hint at which key, byte or clock was wrong.
  expect(Object.keys(r.json ?? {}).sort()).toEqual(['code', 'error', 'requestId']);
  expect(r.json).toMatchObject({ code, error: 'signature refused' });
}

describe('valid signatures vouch for the body', () => {
  it('a signed pickle reaches the upstream byte for byte; its finding is logged with action "logged"', async () => {
    const r = await postSigned(sign(KEY_OLD, 'k-old', now(), PICKLE_ATTACK));
    expect(r.status).toBe(200);
    expect(r.forwarded).toBe(true);
    await upstream.waitFor(1);
    expect(upstream.requests[0]!.body.equals(PICKLE_ATTACK)).toBe(true);
    const findings = await findingsOf(proxy, r.id);
    expect(findings.length).toBeGreaterThan(0);
    for (const f of findings) expect(f).toMatchObject({ action: 'logged', family: 'pickle', exclusion: 'signature kid=k-old' });
  });

  it('the same pickle without a signature is refused (401) and never forwarded', async () => {
    expect401(await postSigned(null), 'DW_ERR_SIGNATURE_MISSING');
    expect(upstream.requests).toEqual([]);
  });

  it('rotation: the key from the environment is accepted as well (two keys live)', async () => {
    const r = await postSigned(sign(KEY_NEW, 'k-new', now(), PICKLE_ATTACK));
    expect(r.status).toBe(200);
    const findings = await findingsOf(proxy, r.id);
    expect(findings.every((f) => f.action === 'logged' && f.exclusion === 'signature kid=k-new')).toBe(true);
  });

  it('a benign signed JSON body, and an empty body signed over "<t>." alone', async () => {
    const body = Buffer.from('{"order":42}');
    const r1 = await send(proxy, '/signed/orders', { body, contentType: 'application/json', headers: [`X-Signature: ${sign(KEY_OLD, 'k-old', now(), body)}`] });
    expect(r1.status).toBe(200);
    const r2 = await send(proxy, '/signed/orders', { headers: [`X-Signature: ${sign(KEY_OLD, 'k-old', now(), Buffer.alloc(0))}`] });
    expect(r2.status).toBe(200);
    expect(await findingsOf(proxy, r1.id)).toEqual([]);
  });

  it('a configured header name is used (and the default one is not)', async () => {
    const h = sign(KEY_NEW, 'hook', now(), PICKLE_ATTACK);
    expect((await postSigned(h, PICKLE_ATTACK, '/hooks/x', 'X-Hub-Signature')).status).toBe(200);
    expect401(await postSigned(h, PICKLE_ATTACK, '/hooks/x', 'X-Signature'), 'DW_ERR_SIGNATURE_MISSING');
  });

  it('routes without a signature block the same pickle as usual', async () => {
    const r = await postSigned(sign(KEY_OLD, 'k-old', now(), PICKLE_ATTACK), PICKLE_ATTACK, '/other');
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ error: 'blocked', family: 'pickle' });
  });
});

describe('refusals: 401 with a reason code only', () => {
  it('wrong MAC: another key, a flipped digit, a changed body', async () => {
    expect401(await postSigned(sign(KEY_OTHER, 'k-old', now(), PICKLE_ATTACK)), 'DW_ERR_SIGNATURE_INVALID');
    const good = sign(KEY_OLD, 'k-old', now(), PICKLE_ATTACK);
    const last = good.at(-1)!;
    expect401(await postSigned(good.slice(0, -1) + (last === '0' ? '1' : '0')), 'DW_ERR_SIGNATURE_INVALID');
    const changed = Buffer.concat([PICKLE_ATTACK, Buffer.from(' ')]);
    expect401(await postSigned(good, changed), 'DW_ERR_SIGNATURE_INVALID');
    // The MAC binds the timestamp: the same sig with another t is wrong.
    const t = now();
    const mac = sign(KEY_OLD, 'k-old', t, PICKLE_ATTACK).split('sig=')[1];
    expect401(await postSigned(`t=${t - 1},kid=k-old,sig=${mac}`), 'DW_ERR_SIGNATURE_INVALID');
    expect(upstream.requests).toEqual([]);
  });

  it('expired and future timestamps outside maxSkewSeconds (300 s) are refused; inside are accepted', async () => {
    expect401(await postSigned(sign(KEY_OLD, 'k-old', now() - 400, PICKLE_ATTACK)), 'DW_ERR_SIGNATURE_EXPIRED');
    expect401(await postSigned(sign(KEY_OLD, 'k-old', now() + 400, PICKLE_ATTACK)), 'DW_ERR_SIGNATURE_EXPIRED');
    expect401(await postSigned(sign(KEY_OLD, 'k-old', 0, PICKLE_ATTACK)), 'DW_ERR_SIGNATURE_EXPIRED');
    expect((await postSigned(sign(KEY_OLD, 'k-old', now() - 200, PICKLE_ATTACK))).status).toBe(200);
    expect((await postSigned(sign(KEY_OLD, 'k-old', now() + 200, PICKLE_ATTACK))).status).toBe(200);
  });

  it('an unknown key id', async () => {
    expect401(await postSigned(sign(KEY_OLD, 'k-retired', now(), PICKLE_ATTACK)), 'DW_ERR_SIGNATURE_UNKNOWN_KEY');
  });

  const t = now();
  const sig = 'a'.repeat(64);
  const malformed: [string, string][] = [
    ['empty value', ''],
    ['no fields', 'garbage'],
    ['sig missing', `t=${t},kid=k-old`],
    ['kid missing', `t=${t},sig=${sig}`],
    ['t missing', `kid=k-old,sig=${sig}`],
    ['t twice', `t=${t},t=${t},kid=k-old,sig=${sig}`],
    ['kid twice (3 fields)', `kid=k-old,kid=k-old,sig=${sig}`],
    ['unknown field', `t=${t},kid=k-old,v1=${sig}`],
    ['extra field', `t=${t},kid=k-old,sig=${sig},x=1`],
    ['space after comma', `t=${t}, kid=k-old,sig=${sig}`],
    ['upper-case name', `T=${t},kid=k-old,sig=${sig}`],
    ['leading zero in t', `t=0${t},kid=k-old,sig=${sig}`],
    ['negative t', `t=-${t},kid=k-old,sig=${sig}`],
    ['fractional t', `t=${t}.5,kid=k-old,sig=${sig}`],
    ['sig too short', `t=${t},kid=k-old,sig=${sig.slice(2)}`],
    ['sig too long', `t=${t},kid=k-old,sig=${sig}00`],
    ['sig not hex', `t=${t},kid=k-old,sig=${'g'.repeat(64)}`],
    ['sig base64', `t=${t},kid=k-old,sig=${Buffer.alloc(32).toString('base64')}`],
    ['kid with a bad character', `t=${t},kid=k/old,sig=${sig}`],
    ['trailing comma', `t=${t},kid=k-old,sig=${sig},`],
    ['empty kid', `t=${t},kid=,sig=${sig}`],
  ];
  for (const [name, value] of malformed) {
    it(`malformed header: ${name}`, async () => {
      expect401(await postSigned(value), 'DW_ERR_SIGNATURE_MALFORMED');
    });
  }

  it('two signature headers are refused as malformed (which one would the app read?)', async () => {
    const h = sign(KEY_OLD, 'k-old', now(), PICKLE_ATTACK);
    const r = await send(proxy, '/signed/x', { body: PICKLE_ATTACK, contentType: 'application/octet-stream', headers: [`X-Signature: ${h}`, `X-Signature: ${h}`] });
    expect401(r, 'DW_ERR_SIGNATURE_MALFORMED');
  });

  it('a missing header is refused from the head alone: the 401 comes before any body byte is sent', async () => {
    const head = req(['POST /signed/upload HTTP/1.1', 'Host: app.test', 'Content-Type: application/octet-stream', 'Content-Length: 1000'], '');
    const r = await rawRequest(proxy.port, head, { timeoutMs: 10000 });
    expect(r.responses[0]?.status).toBe(401);
    expect(JSON.parse(r.responses[0]!.body.toString()).code).toBe('DW_ERR_SIGNATURE_MISSING');
  });

  it('the refusal is logged with the guard and the code', async () => {
    const r = await postSigned(sign(KEY_OLD, 'k-nope', now(), PICKLE_ATTACK));
    const line = await proxy.waitForLog((l) => l.requestId === r.id && l.msg === 'request refused by route guard');
    expect(line).toMatchObject({ guard: 'signature', code: 'DW_ERR_SIGNATURE_UNKNOWN_KEY', status: 401 });
  });
});

describe('deserwall sign', () => {
  const body = Buffer.concat([PICKLE_ATTACK, Buffer.from([0, 0xff, 0x0d, 0x0a])]);
  const bodyFile = join(dir, 'body.bin');
  writeFileSync(bodyFile, body);

  it('round trip: the printed header value is accepted by the proxy (file and stdin)', async () => {
    const fromFile = spawnSync(process.execPath, [CLI, 'sign', '--key-id', 'k-old', '--key-file', oldFile, bodyFile], { encoding: 'utf8' });
    expect(fromFile.status).toBe(0);
    const header = fromFile.stdout.trim();
    expect(header).toMatch(/^t=\d+,kid=k-old,sig=[0-9a-f]{64}$/);
    expect((await postSigned(header, body)).status).toBe(200);

    const fromStdin = spawnSync(process.execPath, [CLI, 'sign', '--key-id', 'k-old', '--key-file', oldFile, '-'], { input: body });
    expect(fromStdin.status).toBe(0);
    expect((await postSigned(fromStdin.stdout.toString().trim(), body)).status).toBe(200);
  });

  it('--time signs the given timestamp; the MAC is HMAC-SHA256 over "<t>." and the body', () => {
    const r = spawnSync(process.execPath, [CLI, 'sign', '--key-id', 'k-old', '--key-file', oldFile, '--time', '1700000000', bodyFile], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(sign(KEY_OLD, 'k-old', 1700000000, body));
  });

  it('usage errors exit 2; an unreadable key file exits 1', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, 'sign', ...args], { encoding: 'utf8', input: '' });
    expect(run('--key-file', oldFile).status).toBe(2);
    expect(run('--key-id', 'k-old').status).toBe(2);
    expect(run('--key-id', 'k-old', '--key-file', oldFile, '--time', 'yesterday').status).toBe(2);
    expect(run('--key-id', 'bad id', '--key-file', oldFile).status).toBe(2);
    expect(run('--key-id', 'k-old', '--key-file', oldFile, bodyFile, bodyFile).status).toBe(2);
    expect(run('--key-id', 'k-old', '--key-file', oldFile, '--bogus').status).toBe(2);
    const missing = run('--key-id', 'k-old', '--key-file', join(dir, 'nope.key'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('cannot read key file');
  });
});

describe('keys are read when the config is loaded', () => {
  const check = (yaml: string, env: Record<string, string> = {}) => {
    const file = join(dir, `cfg-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    const envAll: Record<string, string | undefined> = { ...process.env, ...env };
    delete envAll.DW_TEST_SIG_UNSET;
    return { file, r: spawnSync(process.execPath, [CLI, 'check-config', file], { encoding: 'utf8', env: envAll as NodeJS.ProcessEnv }) };
  };
  const route = (keys: string) => `upstream: http://127.0.0.1:9\nroutes:\n  - match: { path: /s }\n    signature:\n      keys:\n${keys}`;

  it('an unset environment variable is a config error naming the key path, file and line', () => {
    const { file, r } = check(route(`        - { id: a, file: ${oldFile} }\n        - { id: b, env: DW_TEST_SIG_UNSET }\n`));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${file}:7:`);
    expect(r.stderr).toContain('/routes/0/signature/keys/1/env');
    expect(r.stderr).toContain('DW_TEST_SIG_UNSET');
  });

  it('a missing key file, a short key, a duplicate id, both env and file: each named', () => {
    const shortFile = join(dir, 'short.key');
    writeFileSync(shortFile, 'too-short\n');
    const { r } = check(
      route(
        `        - { id: a, file: ${join(dir, 'missing.key')} }\n        - { id: b, file: ${shortFile} }\n        - { id: b, file: ${oldFile} }\n        - { id: c, file: ${oldFile}, env: HOME }\n`,
      ),
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('/routes/0/signature/keys/0/file: cannot read key file');
    expect(r.stderr).toContain('/routes/0/signature/keys/1/file: key "b" is 9 bytes');
    expect(r.stderr).toContain('/routes/0/signature/keys/2/id: duplicate key id "b"');
    expect(r.stderr).toContain('/routes/0/signature/keys/3: key "c" needs exactly one of "env" or "file"');
  });

  it('a valid signature config passes check-config', () => {
    const { r } = check(route(`        - { id: a, env: DW_TEST_SIG_SET }\n`), { DW_TEST_SIG_SET: KEY_NEW });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
