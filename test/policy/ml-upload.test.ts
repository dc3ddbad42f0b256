/**
 * Model uploads through the real proxy with config/examples/ml-and-rpc.yaml as
 * shipped (`/ml/...` → ml-upload policy: pickle allow-list `@ml-default`).
 * The files come from test/fixtures/policy/gen_models.py: a benign set
 * (PyTorch zip and legacy checkpoints, .npy with and without object dtype,
 * .npz, joblib plain and zlib/gzip/bz2/xz, numpy >= 2 pickles, data pickles
 * p0-p5, safetensors) that must pass 100% byte for byte, and a malicious set
 * (os.system in data.pkl, in other or renamed members, in npy object arrays,
 * npz members, joblib files and legacy files, dotted names, builtins.getattr,
 * torch.serialization.load, _codecs.encode, safetensors headers that lie)
 * that must be blocked 100%. Each file is sent as a raw body and, except the
 * safetensors ones (the header check reads raw bodies only), as a multipart
 * upload with its file name.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { findingsOf, send, type Sent } from './http.js';

interface ModelFile {
  name: string;
  set: 'benign' | 'malicious';
  filename: string;
  note: string;
  b64: string;
  refusal?: string;
}

const FIXTURES = JSON.parse(readFileSync(new URL('../fixtures/policy/models.json', import.meta.url), 'utf8')) as { files: ModelFile[] };
const files = FIXTURES.files.map((f) => ({ ...f, bytes: Buffer.from(f.b64, 'base64') }));
const benign = files.filter((f) => f.set === 'benign');
const malicious = files.filter((f) => f.set === 'malicious');
const EXAMPLE = readFileSync(new URL('../../config/examples/ml-and-rpc.yaml', import.meta.url), 'utf8');

let upstream: Upstream;
let proxy: ProxyProcess;

beforeAll(async () => {
  upstream = await Upstream.start();
  proxy = await startProxy(`${EXAMPLE}\nlogging: { level: info }\n`, ['--upstream', upstream.url]);
});
afterAll(async () => {
  await proxy?.stop();
  await upstream?.stop();
});
beforeEach(() => upstream.reset());

const BOUNDARY = 'dwModelUpload7f3a';
function multipart(filename: string, bytes: Buffer): Buffer {
  return Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="description"\r\n\r\nnightly export\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="model"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
}

const sendRaw = (f: (typeof files)[number]) => send(proxy, `/ml/upload/${f.filename}`, { body: f.bytes, contentType: 'application/octet-stream' });
const sendMultipart = (f: (typeof files)[number]) => send(proxy, '/ml/models', { body: multipart(f.filename, f.bytes), contentType: `multipart/form-data; boundary=${BOUNDARY}` });

/** Per file and carrier: did the proxy do the right thing? (for the summary line) */
const outcome = { benign: { ok: 0, total: 0 }, malicious: { ok: 0, total: 0 } };

async function expectPassed(f: (typeof files)[number], r: Sent, body: Buffer): Promise<void> {
  outcome.benign.total++;
  const findings = await findingsOf(proxy, r.id);
  expect({ status: r.status, findings: findings.map((x) => `${x.rule} ${x.message}`) }, f.note).toEqual({ status: 200, findings: [] });
  expect(r.forwarded).toBe(true);
  await upstream.waitFor(1);
  expect(upstream.requests[0]!.body.equals(body)).toBe(true);
  outcome.benign.ok++;
}

function expectBlocked(f: (typeof files)[number], r: Sent): void {
  outcome.malicious.total++;
  expect(r.forwarded, f.note).toBe(false);
  if (f.refusal) {
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ code: f.refusal });
  } else {
    expect(r.status, f.note).toBe(403);
    expect(r.json).toMatchObject({ error: 'blocked', family: 'pickle' });
    expect(String(r.json!.rule)).toMatch(/^DW-PICKLE-/);
  }
  outcome.malicious.ok++;
}

describe(`benign model files (${benign.length}) pass on /ml/`, () => {
  for (const f of benign) {
    it(`${f.name} (${f.filename}) as a raw body`, async () => {
      await expectPassed(f, await sendRaw(f), f.bytes);
    });
    it(`${f.name} (${f.filename}) as a multipart upload`, async () => {
      const body = multipart(f.filename, f.bytes);
      await expectPassed(f, await send(proxy, '/ml/models', { body, contentType: `multipart/form-data; boundary=${BOUNDARY}` }), body);
    });
  }
});

describe(`malicious model files (${malicious.length}) are blocked on /ml/`, () => {
  for (const f of malicious) {
    it(`${f.name} (${f.filename}) as a raw body`, async () => {
      expectBlocked(f, await sendRaw(f));
    });
    if (!f.refusal) {
      it(`${f.name} (${f.filename}) as a multipart upload`, async () => {
        expectBlocked(f, await sendMultipart(f));
      });
    }
  }
  it('nothing malicious reached the upstream', () => {
    expect(upstream.requests).toEqual([]);
  });
});

describe('the allow-list is what lets models through', () => {
  it('a benign PyTorch checkpoint is blocked on a route with the default policy', async () => {
    const f = benign.find((x) => x.name === 'torch-zip-state-dict')!;
    const r = await send(proxy, '/upload/model.pt', { body: f.bytes, contentType: 'application/octet-stream' });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ family: 'pickle' });
  });

  it('a blocked model names the global it imports in its finding line', async () => {
    const f = malicious.find((x) => x.name === 'torch-zip-forged-os')!;
    const r = await sendRaw(f);
    const lines = await findingsOf(proxy, r.id);
    expect(lines.some((l) => l.action === 'blocked' && String(l.message).includes('os.system'))).toBe(true);
  });
});

describe('summary', () => {
  it('100% of benign uploads pass and 100% of malicious uploads are blocked', () => {
    const line = `ml-upload: benign ${outcome.benign.ok}/${outcome.benign.total} passed (${benign.length} files), malicious ${outcome.malicious.ok}/${outcome.malicious.total} blocked (${malicious.length} files)`;
    console.log(line);
    expect(outcome.benign.total).toBe(benign.length * 2);
    expect(outcome.malicious.total).toBe(malicious.length + malicious.filter((f) => !f.refusal).length);
    expect(outcome.benign.ok).toBe(outcome.benign.total);
    expect(outcome.malicious.ok).toBe(outcome.malicious.total);
  });
});
