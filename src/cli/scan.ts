/**
 * `deserwall scan PATH... | -`: the proxy's engine over files or stdin (model
 * files, captured bodies), each inspected as a request body under a policy.
 * Prints findings as text or JSON lines. Exit 0 all clean, 1 findings, 2 error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../errors.js';
import { createEngine } from '../engine/create.js';
import type { Finding } from '../engine/types.js';
import { compileRouting } from '../policy/compile.js';
import { COMMAND_HELP, parse } from './args.js';

export async function scanCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse(
    'scan',
    argv,
    {
      json: { type: 'boolean' },
      config: { type: 'string', short: 'c' },
      policy: { type: 'string', short: 'p' },
      'content-type': { type: 'string' },
    },
    true,
  );
  if (values.help) return -1;
  if (positionals.length === 0) throw new UsageError(`scan needs at least one PATH (or - for stdin)\n\n${COMMAND_HELP.scan}`);
  const { config } = loadConfig(values.config as string | undefined);
  const routing = compileRouting(config);
  const policyName = (values.policy as string | undefined) ?? 'default';
  const policy = routing.policies.get(policyName);
  if (!policy) throw new UsageError(`unknown policy "${policyName}" (defined: ${[...routing.policies.keys()].join(', ')})`);
  const engine = createEngine(config);
  const contentType = values['content-type'] as string | undefined;
  let anyFindings = false;
  let anyError = false;
  for (const path of positionals) {
    let bytes: Buffer;
    try {
      bytes = path === '-' ? await readStdin() : readFileSync(path);
    } catch (err) {
      anyError = true;
      process.stderr.write(`${path}: cannot read: ${(err as Error).message}\n`);
      continue;
    }
    const headers = ['Host', 'scan.local', ...(contentType ? ['Content-Type', contentType] : [])];
    const tx = engine.begin({ method: 'POST', target: '/scan', rawHeaders: headers, ...(path !== '-' ? { filename: basename(path) } : {}) }, policy);
    tx.write(bytes);
    const verdict = tx.end();
    const findings: readonly Finding[] = [...tx.headFindings, ...verdict.findings];
    if (findings.length > 0) anyFindings = true;
    if (values.json) {
      process.stdout.write(JSON.stringify({ path, bytes: bytes.length, policy: policyName, clean: findings.length === 0, findings }) + '\n');
    } else if (findings.length === 0) {
      process.stdout.write(`${path}: clean (${bytes.length} bytes, policy ${policyName})\n`);
    } else {
      process.stdout.write(`${path}: ${findings.length} finding${findings.length === 1 ? '' : 's'} (policy ${policyName})\n`);
      for (const f of findings) {
        process.stdout.write(`  ${f.rule} ${f.family} ${f.severity} at ${f.location}+${f.offset}: ${f.message}\n    excerpt: ${f.excerpt}\n`);
      }
    }
  }
  return anyError ? 2 : anyFindings ? 1 : 0;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
