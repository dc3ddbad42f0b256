/**
 * `deserwall scan`: the proxy's engine over files and stdin, as a user runs it
 * on a model file or a captured body before deploying a route. Exit 0 clean,
 * 1 findings, 2 errors; text and JSON lines; policies from a config file.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-scan-'));
const fixture = (set: string, name: string): Buffer =>
  Buffer.from((JSON.parse(readFileSync(new URL(`../fixtures/${set}/fixtures.json`, import.meta.url), 'utf8')) as Record<string, { b64: string }>)[name]!.b64, 'base64');
const file = (name: string, bytes: Buffer | string): string => {
  const f = join(dir, name);
  writeFileSync(f, bytes);
  return f;
};

function scan(args: string[], input?: Buffer) {
  const r = spawnSync(process.execPath, [CLI, 'scan', ...args], { input, timeout: 30000 });
  return { code: r.status, stdout: r.stdout.toString('utf8'), stderr: r.stderr.toString('utf8') };
}

/** Protocol-2 pickle that calls os.system('id') when loaded. */
const PICKLE = Buffer.concat([Buffer.from([0x80, 0x02]), Buffer.from("cposix\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.", 'latin1')]);
const ML = 'config/examples/ml-and-rpc.yaml';

describe('deserwall scan', () => {
  it('a clean file exits 0 and says so', () => {
    const f = file('clean.json', JSON.stringify({ name: 'pickle jar', tags: ['a', 'b'] }));
    const r = scan([f]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${f}: clean (`);
  });

  it('a pickle that runs a command exits 1 and names the rule, family, location and an excerpt', () => {
    const r = scan([file('evil.pkl', PICKLE)]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/DW-PICKLE-\d+ pickle (critical|high)/);
    expect(r.stdout).toContain('excerpt:');
    expect(r.stdout).toContain('system');
  });

  it('--json prints one JSON line per path; stdin is "-"', () => {
    const clean = file('ok.txt', 'hello world, nothing serialized here');
    const r = scan(['--json', clean, '-'], PICKLE);
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { path: string; clean: boolean; findings: { rule: string; family: string }[] });
    expect(lines.map((l) => [l.path, l.clean])).toEqual([
      [clean, true],
      ['-', false],
    ]);
    expect(lines[1]!.findings.some((f) => f.family === 'pickle')).toBe(true);
  });

  it('with the ML policy, a benign PyTorch checkpoint is clean and a malicious one is not', () => {
    const benign = scan(['--config', ML, '--policy', 'ml-upload', file('model.pt', fixture('containers', 'zip.torch.benign'))]);
    expect(benign.code, benign.stdout + benign.stderr).toBe(0);
    const evil = scan(['--config', ML, '--policy', 'ml-upload', file('evil.pt', fixture('containers', 'zip.torch.evil.deflated'))]);
    expect(evil.code, evil.stdout + evil.stderr).toBe(1);
    expect(evil.stdout).toMatch(/DW-PICKLE-\d+/);
    // A class outside the allow-list is named as such.
    const custom = scan(['--config', ML, '--policy', 'ml-upload', file('custom.pkl', Buffer.from('\x80\x02cmypkg.layers\nCustomBlock\nq\x00)\x81q\x01.', 'latin1'))]);
    expect(custom.code).toBe(1);
    expect(custom.stdout).toContain('mypkg.layers.CustomBlock, which is not on the allow-list');
  });

  it('--content-type makes a body read as that media type', () => {
    const xml = file('doc.txt', '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>');
    const r = scan(['--content-type', 'application/xml', xml]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/DW-XML-\d+ xml/);
  });

  it('errors exit 2: an unreadable path (the other paths are still scanned), an unknown policy, no path', () => {
    const ok = file('fine.json', '{"a":1}');
    const missing = scan([join(dir, 'does-not-exist'), ok]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stdout).toContain(`${ok}: clean`);
    const policy = scan(['--policy', 'nope', ok]);
    expect(policy.code).toBe(2);
    expect(policy.stderr).toContain('unknown policy "nope"');
    expect(scan([]).code).toBe(2);
  });
});
