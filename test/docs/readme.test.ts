/**
 * The README's examples are real: every curl line under "What it stops" is
 * run (with bash, as written) against a real deserwall in front of its demo
 * app and must be answered 403 by deserwall; the benign one must reach the app.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ProxyProcess } from '../helpers/processes.js';

const readme = readFileSync('README.md', 'utf8');
const section = readme.slice(readme.indexOf('## What it stops'), readme.indexOf('## Quick start'));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

/** Commands of a block: comment lines dropped, `\` continuations joined. */
function commands(block: string): string[] {
  return block
    .replace(/\\\n\s*/g, '')
    .split('\n')
    .filter((l) => l.startsWith('curl '));
}

let proxy: ProxyProcess;
beforeAll(async () => {
  proxy = await startProxy('upstream: null\nlogging: { level: warn }\n');
});
afterAll(async () => {
  await proxy?.stop();
});

function run(cmd: string): string {
  const local = cmd.replaceAll('127.0.0.1:8080', `127.0.0.1:${proxy.port}`);
  return execFileSync('bash', ['-c', local.replace(/^curl /, 'curl -s -i --max-time 10 ')], { encoding: 'latin1' });
}

describe('README examples', () => {
  const attacks = commands(blocks[0] ?? '');
  it('has an example for every family', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(9);
  });
  for (const cmd of attacks) {
    it(`blocks: ${cmd.slice(0, 90)}`, () => {
      const out = run(cmd);
      expect(out).toMatch(/^HTTP\/1\.1 403 /);
      expect(out).toContain('"error":"blocked"');
    });
  }
  it('forwards the benign example to the app', () => {
    const out = run(commands(blocks[1] ?? '')[0]!);
    expect(out).toMatch(/^HTTP\/1\.1 200 /);
    expect(out).toContain('this request reached the app');
  });
});
