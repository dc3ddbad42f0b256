/**
 * The CLI as a user meets it: check-config exit codes and messages with file,
 * line, column and key path; overrides from flags and environment; --help on
 * every command; refusing Node's insecure parser; log mode forwarding.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, startProxy } from '../helpers/processes.js';

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 20000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function tmpFile(name: string, content: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'dw-cli-'));
  const f = join(dir, name);
  writeFileSync(f, content);
  return f;
}

describe('check-config', () => {
  it('exits 0 on the shipped default config and the examples', () => {
    for (const f of ['config/default.yaml', ...readdirSync('config/examples').filter((n) => n.endsWith('.yaml')).map((n) => `config/examples/${n}`)]) {
      const r = run(['check-config', f]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('valid');
    }
  });

  it('lists every problem with file, line, column and key path, and exits 1', () => {
    const f = tmpFile('bad.yaml', ['listen: 127.0.0.1:8080', 'mode: blok', 'limits:', '  maxBodyByte: 10', '  maxJsonDepth: 0', 'routes:', '  - match: { path: /ml/ }', '    policy: missing', ''].join('\n'));
    const r = run(['check-config', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${f}:2:7: /mode: must be one of: "block", "log"`);
    expect(r.stderr).toContain(`${f}:4:3: /limits/maxBodyByte: unknown key "maxBodyByte"`);
    expect(r.stderr).toContain(`${f}:5:17: /limits/maxJsonDepth: must be >= 1`);
    expect(r.stderr).toContain(`${f}:8:13: /routes/0/policy: unknown policy "missing"`);
    expect(r.stderr).toContain('4 problems');
  });

  it('reports YAML syntax errors with their position', () => {
    const f = tmpFile('syntax.yaml', 'limits:\n  maxBodyBytes: [1,\n');
    const r = run(['check-config', f]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.]/g, '\\.')}:\\d+:\\d+: /: YAML:`));
  });

  it('exits 1 for a missing file and 2 for usage errors', () => {
    expect(run(['check-config', '/nonexistent/x.yaml']).code).toBe(1);
    expect(run(['check-config']).code).toBe(2);
    expect(run(['check-config', '--bogus']).code).toBe(2);
    expect(run(['nosuchcommand']).code).toBe(2);
  });
});

describe('help', () => {
  it.each(['serve', 'check-config', 'schema'])('%s --help prints usage and exits 0', (cmd) => {
    const r = run([cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: deserwall ${cmd}`);
  });

  it('deserwall --help lists the commands', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['serve', 'check-config', 'scan', 'sign']) expect(r.stdout).toContain(c);
  });
});

describe('serve', () => {
  it('refuses to start with --insecure-http-parser in NODE_OPTIONS', () => {
    const r = run(['serve', '--listen', '127.0.0.1:0'], { NODE_OPTIONS: '--insecure-http-parser' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('insecure-http-parser');
  });

  it('states mode, listen address, upstream and config file at start; flags override the environment, which overrides the file', async () => {
    const f = tmpFile('c.yaml', 'mode: block\nupstream: http://127.0.0.1:9\nlogging: { level: warn }\n');
    const p = await startProxy(
      'mode: block\nupstream: http://127.0.0.1:9\nlogging: { level: warn }\n',
      ['--mode', 'log'],
      { DESERWALL_MODE: 'block', DESERWALL_UPSTREAM: 'http://127.0.0.1:7' },
    );
    try {
      const start = p.logs.find((l) => l.msg === 'deserwall listening')!;
      expect(start.mode).toBe('log');
      expect(start.upstream).toBe('http://127.0.0.1:7/');
      expect(String(start.config)).toMatch(/config\.yaml$/);
      expect(start.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    } finally {
      await p.stop();
    }
    expect(f).toBeTruthy();
  });

  it('an invalid value in the environment is reported with the variable name', () => {
    const r = run(['serve', '--listen', '127.0.0.1:0'], { DESERWALL_MODE: 'maybe' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('environment variable DESERWALL_MODE: /mode: must be one of');
  });
});
