/**
 * `deserwall serve`: resolve the config (file < environment < flags), refuse
 * to run with Node's insecure HTTP parser, start the demo app when there is
 * no upstream, then run one proxy process or a cluster of workers.
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { loadConfig, type Override } from '../config/load.js';
import { UsageError } from '../errors.js';
import { demoBanner, startDemoApp } from '../demo/app.js';
import { runPrimary, runWorker } from '../server/cluster.js';
import { startProxy } from '../server/start.js';
import { parse } from './args.js';

const ENV_KEYS: readonly [string, readonly string[]][] = [
  ['DESERWALL_LISTEN', ['listen']],
  ['DESERWALL_UPSTREAM', ['upstream']],
  ['DESERWALL_MODE', ['mode']],
  ['DESERWALL_WORKERS', ['workers']],
  ['DESERWALL_ADMIN_LISTEN', ['admin', 'listen']],
];

/** Env var through which the primary hands the demo app's URL to workers. */
const DEMO_URL_ENV = 'DESERWALL_INTERNAL_DEMO_UPSTREAM';

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parse('serve', argv, {
    config: { type: 'string', short: 'c' },
    listen: { type: 'string', short: 'l' },
    upstream: { type: 'string', short: 'u' },
    mode: { type: 'string', short: 'm' },
    workers: { type: 'string', short: 'w' },
    admin: { type: 'string' },
    'ext-authz': { type: 'boolean' },
  });
  if (values.help) return -1;
  assertSecureParser();

  const overrides: Override[] = [];
  for (const [env, path] of ENV_KEYS) {
    const v = process.env[env];
    if (v !== undefined && v !== '') overrides.push({ path, value: coerce(path[0]!, v), source: `environment variable ${env}` });
  }
  const flag = (name: string, path: string[], v: string | boolean | undefined) => {
    if (typeof v === 'string') overrides.push({ path, value: coerce(path[0]!, v), source: `flag --${name}` });
  };
  flag('listen', ['listen'], values.listen);
  flag('upstream', ['upstream'], values.upstream);
  flag('mode', ['mode'], values.mode);
  flag('workers', ['workers'], values.workers);
  flag('admin', ['admin', 'listen'], values.admin);
  if (values['ext-authz'] === true) overrides.push({ path: ['extAuthz', 'enabled'], value: true, source: 'flag --ext-authz' });

  const { config, file } = loadConfig(values.config as string | undefined, overrides);
  const workers = config.workers === 'auto' ? availableParallelism() : config.workers;

  const extAuthz = config.extAuthz.enabled;
  if (cluster.isWorker) {
    await runWorker(config, file, overrides, extAuthz ? null : (process.env[DEMO_URL_ENV] ?? config.upstream ?? ''));
    return 0;
  }

  let upstreamUrl = extAuthz ? null : config.upstream;
  let demo: Awaited<ReturnType<typeof startDemoApp>> | null = null;
  if (upstreamUrl === null && !extAuthz) {
    demo = await startDemoApp();
    upstreamUrl = demo.url;
  }
  if (workers > 1) {
    await runPrimary({ config, file, workers, upstreamUrl, demo, demoEnv: DEMO_URL_ENV });
    return 0;
  }
  const running = await startProxy({
    config,
    configFile: file,
    overrides,
    upstreamUrl,
    admin: true,
    signals: true,
    onExit: (code) => {
      void (demo ? demo.close() : Promise.resolve()).then(() => process.exit(code));
    },
  });
  if (demo) process.stderr.write(demoBanner(`http://${config.listen.startsWith('[') ? config.listen : `${running.proxyAddress.address}:${running.proxyAddress.port}`}`) + '\n');
  return 0;
}

function coerce(key: string, v: string): unknown {
  if (key === 'workers') return v === 'auto' ? 'auto' : /^[0-9]+$/.test(v) ? Number(v) : v;
  return v;
}

/** A25: Node's lenient parser accepts smuggling shapes; never run with it. */
function assertSecureParser(): void {
  const opts = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (opts.includes('--insecure-http-parser')) {
    throw new UsageError('refusing to start: --insecure-http-parser is set (in NODE_OPTIONS or node flags); it accepts requests that proxies and servers read differently');
  }
}
