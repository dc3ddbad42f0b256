#!/usr/bin/env node
/**
 * The deserwall command line: serve, check-config, scan, sign, schema.
 * Exit codes: 0 success, 1 invalid config / findings / runtime error, 2 usage error.
 */
import { ConfigError, DwError, UsageError } from './errors.js';
import { COMMAND_HELP, MAIN_HELP } from './cli/args.js';

type Command = (argv: string[]) => number | Promise<number>;

/** Commands are loaded on demand so that `--help` and `sign` start fast. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import('./cli/serve.js')).serveCommand,
  'check-config': async () => (await import('./cli/check-config.js')).checkConfigCommand,
  schema: async () => (await import('./cli/schema.js')).schemaCommand,
  scan: async () => (await import('./cli/scan.js')).scanCommand,
  sign: async () => (await import('./cli/sign.js')).signCommand,
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(MAIN_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${await version()}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`unknown command "${name}"\n\n${MAIN_HELP}`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(COMMAND_HELP[name] ?? MAIN_HELP);
    return 0;
  }
  const code = await (await load())(rest);
  if (code === -1) {
    process.stdout.write(COMMAND_HELP[name] ?? MAIN_HELP);
    return 0;
  }
  return code;
}

async function version(): Promise<string> {
  const { readFileSync } = await import('node:fs');
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

main(process.argv.slice(2)).then(
  (code) => {
    // serve keeps running: only exit for commands that are done.
    if (process.argv[2] !== 'serve' || code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      process.stderr.write(`config error (${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}):\n${err.message}\n`);
      process.exitCode = 1;
    } else if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      process.exitCode = 2;
    } else if (err instanceof DwError) {
      process.stderr.write(`${err.code}: ${err.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`fatal: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exitCode = 1;
    }
  },
);
