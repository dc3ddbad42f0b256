/**
 * The route guards' building blocks on their own (the proxy tests cover them
 * end to end): the strict signature header parser, the shipped formats, the
 * JSON value builder (no prototype keys, no recursion), the safetensors
 * header check, and the schema guard's answer to unreadable bodies before and
 * after the engine's decision. Never a throw on hostile input.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { compileGuards } from '../../src/policy/guards/compile.js';
import { FORMATS } from '../../src/policy/guards/formats.js';
import type { RouteGuard } from '../../src/policy/guards/guard.js';
import { parseJsonValue } from '../../src/policy/guards/json-value.js';
import { claimsSafetensors, safetensorsProblem } from '../../src/policy/guards/safetensors.js';
import { formatSignatureHeader, parseSignatureHeader } from '../../src/policy/guards/signature-header.js';

describe('signature header', () => {
  const sig = 'ab'.repeat(32);
  it('accepts the three fields in any order and keeps t as sent', () => {
    for (const v of [`t=1700000000,kid=k1,sig=${sig}`, `sig=${sig},t=1700000000,kid=k1`, `kid=k1,sig=${sig.toUpperCase()},t=1700000000`]) {
      const h = parseSignatureHeader(v);
      expect(h).toMatchObject({ t: '1700000000', time: 1700000000, kid: 'k1' });
      expect(h!.sig.toString('hex')).toBe(sig);
    }
  });

  it('refuses everything else', () => {
    for (const v of ['', ',,', `t=1,kid=k1`, `t=1,kid=k1,sig=${sig},sig=${sig}`, `t=1 ,kid=k1,sig=${sig}`, `t=01,kid=k1,sig=${sig}`, `t=1e3,kid=k1,sig=${sig}`, `t=1,kid=,sig=${sig}`, `t=1,kid=${'k'.repeat(65)},sig=${sig}`, `t=1,kid=k1,sig=${sig.slice(1)}`, `t=1,kid=k1,sig==${sig}`, `t=1,kid=k1,sig=${sig}\n`, `=1,kid=k1,sig=${sig}`, 'x'.repeat(10_000)]) {
      expect(parseSignatureHeader(v), JSON.stringify(v)).toBeNull();
    }
  });

  it('formats what it parses', () => {
    const v = formatSignatureHeader(Buffer.alloc(32, 7), 'k1', 1700000000, Buffer.from('body'));
    expect(parseSignatureHeader(v)).toMatchObject({ t: '1700000000', kid: 'k1' });
  });
});

describe('formats', () => {
  const cases: Record<string, [good: string[], bad: string[]]> = {
    'safe-identifier': [['a', 'A_9', 'x.y-z', '_tmp', '9lives', 'v1.2.3'], ['', '-rf', '.env', 'a..b', 'a b', 'a/b', 'a;b', 'a$b', 'a`b', 'a\nb', 'é', 'a\u0000']],
    uuid: [['123e4567-e89b-12d3-a456-426614174000', 'ABCDEF01-2345-6789-abcd-ef0123456789'], ['123e4567e89b12d3a456426614174000', '123e4567-e89b-12d3-a456-42661417400g', '{123e4567-e89b-12d3-a456-426614174000}']],
    email: [['a@example.com', 'first.last+tag@sub.example.org'], ['a@b', '@example.com', 'a@@example.com', '.a@example.com', 'a.@example.com', 'a..b@example.com', 'a b@example.com', 'a@-x.com', 'a@x..com']],
    hostname: [['example.com', 'a-b.c', 'localhost'], ['', '-a.com', 'a-.com', 'a..b', 'a_b.com', 'x'.repeat(64) + '.com']],
    ipv4: [['127.0.0.1', '255.255.255.255', '0.0.0.0'], ['256.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', '1.2.3.a']],
    ipv6: [['::1', '2001:db8::8a2e:370:7334'], ['1:2:3', '::1%eth0', 'fe80::1::2']],
    date: [['2024-02-29', '2025-12-31'], ['2025-02-29', '2025-13-01', '2025-1-01', '2025-04-31']],
    time: [['23:59:60Z', '08:00:00.123+02:00', '00:00:00z'], ['24:00:00Z', '12:00:00', '12:00:00+2:00', '12:60:00Z']],
    'date-time': [['2025-03-01T02:00:00Z', '2025-03-01t02:00:00.5-05:30'], ['2025-03-01 02:00:00Z', '2025-03-01T02:00:00', '2025-02-30T00:00:00Z']],
    uri: [['https://example.com/a?b=c#d', 'urn:isbn:0451450523', 'mailto:a@example.com', 'http://[::1]:8080/x%20y'], ['example.com/a', '/relative', 'https://x/<script>', 'https://x/a b', 'https://x/%zz', 'https:', '1http://x']],
  };
  for (const [name, [good, bad]] of Object.entries(cases)) {
    it(name, () => {
      const f = FORMATS[name]!;
      for (const s of good) expect(f(s), `${name} ${JSON.stringify(s)}`).toBe(true);
      for (const s of bad) expect(f(s), `${name} ${JSON.stringify(s)}`).toBe(false);
    });
  }

  it('are linear on long hostile strings', () => {
    const long = 'a'.repeat(1_000_000);
    for (const f of Object.values(FORMATS)) expect(typeof f(long + '!')).toBe('boolean');
  });
});

describe('JSON values for validation', () => {
  it('keys like __proto__ and constructor stay data', () => {
    const r = parseJsonValue(Buffer.from('{"__proto__":{"polluted":1},"constructor":"x"}'), {});
    expect(r.ok).toBe(true);
    const v = (r as { value: Record<string, unknown> }).value;
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.keys(v)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('builds 9 000 levels without recursion and refuses what the engine refuses', () => {
    expect(parseJsonValue(Buffer.from('['.repeat(9000) + ']'.repeat(9000)), { maxDepth: 10_000 }).ok).toBe(true);
    for (const bad of ['{"a":1,"a":2}', '\ufeff{}', '{"a":1}/**/', '[1,]', '{"a":"\\u0000"}', '']) expect(parseJsonValue(Buffer.from(bad), {}).ok, bad).toBe(false);
    expect(parseJsonValue(Buffer.from('[[[1]]]'), { maxDepth: 2 }).ok).toBe(false);
  });
});

describe('safetensors header check', () => {
  const file = (header: string, data: Buffer) => {
    const h = Buffer.from(header);
    const n = Buffer.alloc(8);
    n.writeUInt32LE(h.length, 0);
    return Buffer.concat([n, h, data]);
  };
  it('claims only bodies shaped like safetensors', () => {
    expect(claimsSafetensors(file('{"a":{}}', Buffer.alloc(0)))).toBe(true);
    expect(claimsSafetensors(Buffer.from('\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}', 'latin1'))).toBe(false);
    expect(claimsSafetensors(Buffer.from('PK\x03\x04\x14\x00\x00\x00\x00\x00{"', 'latin1'))).toBe(false);
  });
  it('accepts a truthful header and names the lie otherwise', () => {
    expect(safetensorsProblem(file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  ', Buffer.alloc(8)))).toBeNull();
    expect(safetensorsProblem(file('{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', Buffer.alloc(4)))).toBe('data_offsets point outside the data area');
    expect(safetensorsProblem(file('{"w":{"dtype":"F32","shape":[9007199254740991,4],"data_offsets":[0,8]}}', Buffer.alloc(8)))).toBe('shape is too large');
    expect(safetensorsProblem(file('{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,8]}}', Buffer.alloc(8)))).toBe('shape must be a list of non-negative integers');
    expect(safetensorsProblem(file('{"__metadata__":{"a":1}}', Buffer.alloc(0)))).toBe('__metadata__ must map strings to strings');
  });
});

describe('schema guard and the engine verdict', () => {
  const guardOf = (yaml: string): RouteGuard => {
    const { config } = parseConfig(yaml, 'guards-test.yaml');
    return compileGuards(config.routes[0]!, 0).find((g) => g.name === 'schema')!;
  };
  const head = { method: 'POST', target: '/x', rawHeaders: ['Host', 'a', 'Content-Type', 'application/json'] };
  const dup = { raw: Buffer.from('{"a":1,"a":2}'), contentType: 'application/json' };

  it('is an after-verdict guard', () => {
    expect(guardOf('routes:\n  - match: { path: /x }\n    schema: { body: { type: object } }\n').afterVerdict).toBe(true);
  });

  it('before the decision it leaves unreadable bodies to the engine; after it, it refuses them', () => {
    const g = guardOf('routes:\n  - match: { path: /x }\n    schema: { body: { type: object } }\n');
    expect(g.checkBody!(head, dup)).toBeNull();
    expect(g.checkBody!(head, { ...dup, verdictPassed: true })).toMatchObject({ refusal: { status: 400, code: 'DW_ERR_SCHEMA_UNREADABLE' } });
  });

  it('refuses them itself when the engine would not (onError: log, or DW-PROTOCOL exclusions)', () => {
    const log = guardOf('policies:\n  p: { onError: log }\nroutes:\n  - match: { path: /x }\n    policy: p\n    schema: { body: { type: object } }\n');
    expect(log.checkBody!(head, dup)).toMatchObject({ refusal: { status: 400 } });
    const ex = guardOf('policies:\n  p: { exclusions: [{ rule: "DW-PROTOCOL-*", reason: "testing" }] }\nroutes:\n  - match: { path: /x }\n    policy: p\n    schema: { body: { type: object } }\n');
    expect(ex.checkBody!(head, dup)).toMatchObject({ refusal: { status: 400 } });
  });

  it('a recursive schema over a very deep body answers without throwing', () => {
    const g = guardOf('policies:\n  p: { limits: { maxJsonDepth: 10000 } }\nroutes:\n  - match: { path: /x }\n    policy: p\n    schema: { body: { type: array, items: { $ref: "#" } } }\n');
    const deep = Buffer.from('['.repeat(9999) + '"x"' + ']'.repeat(9999));
    const out = g.checkBody!(head, { raw: deep, contentType: 'application/json', verdictPassed: true });
    expect(out === null || 'refusal' in out).toBe(true);
    if (out !== null && 'refusal' in out) expect([400, 422]).toContain(out.refusal.status);
  });
});
