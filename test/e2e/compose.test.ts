/**
 * docker-compose.yml, checked without a Docker engine: parsed with `yaml`,
 * every file it mounts or builds from exists, deserwall's mounted config
 * passes `deserwall check-config`, the environment, ports and health checks
 * agree with what deserwall (Dockerfile, CLI) and the apps really use, and
 * the apps' compose commands, run here on loopback with the container paths
 * mapped to the checkout, start the apps and pass their health checks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CLI } from '../helpers/processes.js';
import { ROOT, startApp, type AppProcess } from './apps.js';

interface Service {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  init?: boolean;
  command?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }>;
  healthcheck?: { test?: string[] };
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const isDeserwall = (s: Service): boolean => s.build !== undefined;
const deserwalls = Object.entries(services).filter(([, s]) => isDeserwall(s));
const apps = Object.entries(services).filter(([, s]) => !isDeserwall(s));

/** `host:container[:ro]` volume entries as [absolute host path, container path]. */
function mounts(s: Service): [string, string][] {
  return (s.volumes ?? []).map((v) => {
    const [host, container] = v.split(':');
    return [resolve(ROOT, host!), container!];
  });
}

/** The container path of a file or directory, mapped to the checkout through the service's mounts. */
function onHost(s: Service, containerPath: string): string | null {
  for (const [host, container] of mounts(s)) {
    if (containerPath === container) return host;
    if (containerPath.startsWith(container + '/')) return join(host, containerPath.slice(container.length + 1));
  }
  return null;
}

/** Published ports as { ip, host, container }. */
function ports(s: Service): { ip: string; host: number; container: number }[] {
  return (s.ports ?? []).map((p) => {
    const parts = p.split(':');
    expect(parts, `port ${p} names the address it binds`).toHaveLength(3);
    return { ip: parts[0]!, host: Number(parts[1]), container: Number(parts[2]) };
  });
}

const portOf = (listen: string): number => Number(listen.slice(listen.lastIndexOf(':') + 1));
const hostOf = (listen: string): string => listen.slice(0, listen.lastIndexOf(':'));

describe('docker-compose.yml', () => {
  it('has two deserwalls in front of two vulnerable apps', () => {
    expect(deserwalls.map(([n]) => n).sort()).toEqual(['deserwall-java', 'deserwall-python']);
    expect(apps.map(([n]) => n).sort()).toEqual(['vuln-java', 'vuln-python']);
  });

  it('publishes every port on 127.0.0.1 only, each host port once', () => {
    const all = Object.values(services).flatMap(ports);
    for (const p of all) expect(p.ip).toBe('127.0.0.1');
    expect(new Set(all.map((p) => p.host)).size).toBe(all.length);
  });

  for (const [name, s] of deserwalls) {
    describe(name, () => {
      const env = s.environment ?? {};

      it('is built from the repository Dockerfile and runs with an init', () => {
        const context = typeof s.build === 'string' ? s.build : (s.build?.context ?? '.');
        const file = typeof s.build === 'object' && s.build.dockerfile ? s.build.dockerfile : 'Dockerfile';
        expect(resolve(ROOT, context, file)).toBe(join(ROOT, 'Dockerfile'));
        expect(s.init).toBe(true);
      });

      it('mounts a real config at the path the image runs, and it passes check-config', () => {
        expect(dockerfile).toContain('CMD ["serve", "--config", "/etc/deserwall/config.yaml"]');
        const config = onHost(s, '/etc/deserwall/config.yaml');
        expect(config).not.toBeNull();
        expect(statSync(config!).isFile()).toBe(true);
        const out = execFileSync(process.execPath, [CLI, 'check-config', config!], { encoding: 'utf8' });
        expect(out).toContain(': valid');
      });

      it('sets only environment variables deserwall reads', () => {
        const reference = readFileSync(join(ROOT, 'docs', 'config.md'), 'utf8');
        for (const key of Object.keys(env)) expect(reference).toContain(`| \`${key}\` |`);
      });

      it('points DESERWALL_UPSTREAM at an app service, on the port that app listens on, and waits for it to be healthy', () => {
        const upstream = new URL(env.DESERWALL_UPSTREAM!);
        const app = services[upstream.hostname];
        expect(app, `service ${upstream.hostname}`).toBeDefined();
        expect(isDeserwall(app!)).toBe(false);
        expect(Number(upstream.port)).toBe(portOf(app!.environment!.VULN_APP_LISTEN!));
        expect(s.depends_on?.[upstream.hostname]?.condition).toBe('service_healthy');
        expect(app!.healthcheck?.test).toBeDefined();
      });

      it('publishes the proxy and admin ports it listens on, and the admin port is the one the image health check probes', () => {
        const published = ports(s).map((p) => p.container);
        const listen = env.DESERWALL_LISTEN!;
        const admin = env.DESERWALL_ADMIN_LISTEN!;
        expect(hostOf(listen)).toBe('0.0.0.0');
        expect(hostOf(admin)).toBe('0.0.0.0');
        expect(published).toContain(portOf(listen));
        expect(published).toContain(portOf(admin));
        expect(dockerfile).toContain(`EXPOSE ${portOf(listen)} ${portOf(admin)}`);
        expect(dockerfile).toContain(`http://127.0.0.1:${portOf(admin)}/healthz`);
      });
    });
  }
});

describe('the apps as compose runs them (here on 127.0.0.1)', () => {
  const started: AppProcess[] = [];
  const temp = mkdtempSync(join(tmpdir(), 'deserwall-e2e-compose-'));
  afterAll(async () => {
    for (const a of started) await a.stop();
    rmSync(temp, { recursive: true, force: true });
  });

  /** The healthcheck's URL: on the app's own port, at /healthz. */
  function healthUrl(s: Service): URL {
    const url = (s.healthcheck?.test ?? []).find((t) => t.startsWith('http://') || t.includes("'http://"));
    expect(url, 'health check URL').toBeDefined();
    const u = new URL(/http:\/\/[^'"]+/.exec(url!)![0]);
    expect(u.hostname).toBe('127.0.0.1');
    expect(Number(u.port)).toBe(portOf(s.environment!.VULN_APP_LISTEN!));
    expect(u.pathname).toBe('/healthz');
    return u;
  }

  it('vuln-python: python:3 slim running the mounted app.py, which honours VULN_APP_LISTEN', async () => {
    const s = services['vuln-python']!;
    expect(s.image).toMatch(/^python:3[-.\w]*slim/);
    const command = s.command as string[];
    expect(command[0]).toBe('python');
    const script = onHost(s, command[1]!);
    expect(script).toBe(join(ROOT, 'examples', 'vulnerable-apps', 'python', 'app.py'));
    healthUrl(s);
    const app = await startApp('python3', [script!], { VULN_APP_LISTEN: '127.0.0.1:0' });
    started.push(app);
    expect((await fetch(`${app.url}/healthz`)).status).toBe(200);
  });

  it('vuln-java: a temurin JDK compiling the mounted sources, starting the app, passing its health check', async () => {
    const s = services['vuln-java']!;
    expect(s.image).toMatch(/^eclipse-temurin:\d+-jdk/);
    const command = s.command as string[];
    expect(command.slice(0, 2)).toEqual(['sh', '-c']);
    // Compose turns $$ into $; container paths are mapped to the checkout and a temp dir.
    const script = command[2]!
      .replaceAll('$$', '$')
      .replaceAll('/tmp/classes', join(temp, 'classes'))
      .replaceAll('/tmp/tools', join(temp, 'tools'))
      .replaceAll('/app/', onHost(s, '/app')! + '/');
    const steps = script.split('&&').map((x) => x.trim());
    const run = steps.pop()!;
    expect(run).toBe(`exec java -cp ${join(temp, 'classes')} demo.app.VulnApp`);
    const built = spawnSync('sh', ['-c', steps.join(' && ')], { encoding: 'utf8' });
    expect(built.status, built.stderr).toBe(0);
    expect(existsSync(join(temp, 'classes', 'demo', 'app', 'VulnApp.class'))).toBe(true);
    expect(existsSync(join(temp, 'classes', 'demo', 'tools'))).toBe(false); // the payload tool is off the app's classpath
    expect(existsSync(join(temp, 'tools', 'demo', 'tools', 'MakePayload.class'))).toBe(true);

    const app = await startApp('java', ['-cp', join(temp, 'classes'), 'demo.app.VulnApp'], { VULN_APP_LISTEN: '127.0.0.1:0' });
    started.push(app);
    const health = healthUrl(s);
    const test = s.healthcheck!.test!.slice(1).map((t) => t.replaceAll('/tmp/classes', join(temp, 'classes')).replace(health.href, `${app.url}/healthz`));
    expect(test[0]).toBe('java');
    const probe = spawnSync(test[0]!, test.slice(1), { encoding: 'utf8' });
    expect(probe.status, probe.stderr).toBe(0);
    // The same probe on a path the app does not serve (404) fails: the check can fail.
    const closed = spawnSync('java', ['-cp', join(temp, 'classes'), 'demo.app.HealthCheck', `${app.url}/no-such-path`], { encoding: 'utf8' });
    expect(closed.status).toBe(1);
  }, 120_000);
});
