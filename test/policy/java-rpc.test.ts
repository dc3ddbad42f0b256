/**
 * Java RPC through the real proxy with config/examples/ml-and-rpc.yaml as
 * shipped (`/rpc/...` → java-rpc policy: JEP 290 filter `maxdepth=20;
 * maxrefs=10000;maxarray=100000;` + String, Integer, Number, HashMap,
 * ArrayList, Date, `com.example.rpc.dto.*`, `!*`). JDK-written streams from
 * test/fixtures/java/streams.json: DTO streams pass byte for byte; gadgets
 * nested in an allowed HashMap or ArrayList, the `dtoext` look-alike package,
 * a sub-package, java.net.URL, a second top-level gadget are blocked; hand-made
 * streams over maxdepth, maxrefs and maxarray are blocked (413) while the same
 * shapes under the limits pass, at the boundaries the JDK's filter draws. The same streams on another route are
 * blocked by the default policy.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxy, Upstream, type ProxyProcess } from '../helpers/processes.js';
import { StreamBuilder } from '../engine/java/helpers.js';
import { findingsOf, send } from './http.js';

const STREAMS = (JSON.parse(readFileSync(new URL('../fixtures/java/streams.json', import.meta.url), 'utf8')) as { streams: Record<string, { note: string; b64: string }> }).streams;
const stream = (name: string) => Buffer.from(STREAMS[name]!.b64, 'base64');
const EXAMPLE = readFileSync(new URL('../../config/examples/ml-and-rpc.yaml', import.meta.url), 'utf8');
const JAVA = 'application/x-java-serialized-object';

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

const post = (body: Buffer, path = '/rpc/OrderService') => send(proxy, path, { body, contentType: JAVA });

async function expectPasses(body: Buffer): Promise<void> {
  const r = await post(body);
  expect(r.status).toBe(200);
  expect(await findingsOf(proxy, r.id)).toEqual([]);
  await upstream.waitFor(1);
  expect(upstream.requests[0]!.body.equals(body)).toBe(true);
}

/** Class rejections are attacks (403); filter limits are limit refusals (413, rule DW-JAVA-003). */
async function expectBlocked(body: Buffer, mention: string, status = 403): Promise<void> {
  const r = await post(body);
  expect(r.status).toBe(status);
  expect(r.forwarded).toBe(false);
  expect(r.json).toMatchObject(status === 403 ? { error: 'blocked', family: 'java' } : { error: 'refused', family: 'java', rule: 'DW-JAVA-003' });
  const lines = await findingsOf(proxy, r.id);
  expect(lines.some((l) => l.action === 'blocked' && String(l.message).includes(mention)), JSON.stringify(lines.map((l) => l.message))).toBe(true);
}

describe('allowed DTO streams pass byte for byte', () => {
  for (const name of ['dto-order', 'dto-customer', 'hashmap-plain', 'arraylist-dtos', 'rpc-request', 'string-only', 'two-toplevel', 'reset', 'blockdata-toplevel', 'array-dtos', 'array-strings', 'array-ints', 'nested-bytearray-benign']) {
    it(`${name}: ${STREAMS[name]!.note}`, async () => {
      await expectPasses(stream(name));
    });
  }
});

describe('anything else anywhere in the stream is blocked', () => {
  const blocked: Record<string, string> = {
    'rpc-hashmap-gadget': 'org.apache.commons.collections.keyvalue.TiedMapEntry',
    'rpc-arraylist-gadget': 'java.util.PriorityQueue',
    'lookalike-dtoext': 'com.example.rpc.dtoext.EvilDTO',
    'dto-subpackage': 'com.example.rpc.dto.sub.Inner',
    urldns: 'java.net.URL',
    'dto-object-field-url': 'java.net.URL',
    'second-toplevel-gadget': 'java.net.URL',
    'externalizable-gadget': 'java.net.URL',
    'nested-bytearray-gadget': 'TiedMapEntry',
    'cc6-like': 'org.apache.commons.collections',
    'cb1-like': 'java.util.PriorityQueue',
    templates: 'TemplatesImpl',
    'jrmp-proxy': 'java.rmi',
  };
  for (const [name, cls] of Object.entries(blocked)) {
    it(`${name}: ${STREAMS[name]!.note}`, async () => {
      await expectBlocked(stream(name), cls);
    });
  }
  it('nothing blocked reached the upstream', () => {
    expect(upstream.requests).toEqual([]);
  });
});

/** com.example.rpc.dto.Node { Node next; } nested `depth` times. */
function chain(depth: number): Buffer {
  const b = new StreamBuilder().u8(0x73).classDesc('com.example.rpc.dto.Node', 0x02, [['L', 'next', 'Lcom/example/rpc/dto/Node;']]);
  for (let i = 1; i < depth; i++) b.u8(0x73, 0x71).i32(0x7e0000);
  return b.u8(0x70).build();
}

/** String[] of n new strings and, last, a back-reference to the first (the JDK checks maxrefs at references). */
function strings(n: number): Buffer {
  const b = new StreamBuilder().u8(0x75).classDesc('[Ljava.lang.String;', 0x02).i32(n + 1);
  for (let i = 0; i < n; i++) b.u8(0x74).utf(`s${i}`);
  return b.u8(0x71).i32(0x7e0002).build();
}

/** int[] of length n. */
function ints(n: number): Buffer {
  const head = new StreamBuilder().u8(0x75).classDesc('[I', 0x02).i32(n).build();
  return Buffer.concat([head, Buffer.alloc(n * 4, 1)]);
}

// Boundaries checked against the JDK 17 ObjectInputFilter with the same filter string
// (ObjectInputStream.setObjectInputFilter + readObject on the very same bytes).
describe('JEP 290 limits from the filter (boundaries as the JDK draws them)', () => {
  it('maxdepth=20: a DTO chain 19 deep passes, 21 deep is blocked', async () => {
    await expectPasses(chain(19));
    await expectBlocked(chain(21), 'maxdepth', 413);
  });

  // The closing TC_NULL is one level deeper, but the JDK calls no filter for it.
  it('maxdepth=20: a DTO chain exactly 20 deep passes, as in the JDK', async () => {
    await expectPasses(chain(20));
  });

  it('maxrefs=10000: 9 997 strings + a back-reference pass, 9 999 are blocked', async () => {
    await expectPasses(strings(9997));
    await expectBlocked(strings(9999), 'maxrefs', 413);
  });

  // The JDK counts every new class descriptor as a reference (ObjectInputStream.readNonProxyDesc:
  // totalObjectRefs++ before the superclass descriptor) and rejects 9 998.
  it('maxrefs=10000: 9 998 strings + a back-reference are blocked, as in the JDK', async () => {
    await expectBlocked(strings(9998), 'maxrefs', 413);
  });

  it('maxarray=100000: an int[100000] passes, int[100001] is blocked', async () => {
    await expectPasses(ints(100_000));
    await expectBlocked(ints(100_001), 'maxarray', 413);
  });
});

describe('the filter is what lets the DTOs through', () => {
  it('a benign DTO stream is blocked on a route with the default policy', async () => {
    const r = await post(stream('dto-order'), '/api/orders');
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ family: 'java' });
  });

  it('the RPC route blocks pickles too (only java has an allow-list there)', async () => {
    const r = await send(proxy, '/rpc/x', { body: Buffer.from("cos\nsystem\n(S'id'\ntR.", 'latin1'), contentType: 'application/octet-stream' });
    expect(r.status).toBe(403);
    expect(r.json).toMatchObject({ family: 'pickle' });
  });
});
