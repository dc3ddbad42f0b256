/**
 * The Kubernetes manifests reference real ports, paths and config keys: they
 * are parsed, cross-checked against the CLI's environment variables and the
 * admin endpoints, and the ConfigMap's config is loaded by the real config
 * loader and served by a real deserwall process whose probes answer.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/load.js';
import { startProxy, type ProxyProcess } from '../helpers/processes.js';
import { rawRequest, req } from '../helpers/raw.js';

const DIR = 'deploy/kubernetes';
type Obj = Record<string, any>;
const docs: Obj[] = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(readFileSync(`${DIR}/${f}`, 'utf8')).map((d) => ({ ...(d.toJS() as Obj), __file: f })));
const configMap = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'deserwall-config')!;
const deployments = docs.filter((d) => d.kind === 'Deployment');
const services = docs.filter((d) => d.kind === 'Service');
const KNOWN_ENV = new Set(['DESERWALL_LISTEN', 'DESERWALL_UPSTREAM', 'DESERWALL_MODE', 'DESERWALL_WORKERS', 'DESERWALL_ADMIN_LISTEN']);

function deserwallContainers() {
  return deployments.flatMap((d) => (d.spec.template.spec.containers as Obj[]).filter((c) => String(c.image).startsWith('deserwall')).map((c) => ({ deployment: d, container: c })));
}

function envOf(c: Obj): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e: Obj) => [e.name, e.value]));
}

describe('deploy/kubernetes', () => {
  it('has a ConfigMap whose config.yaml is a valid deserwall config', () => {
    expect(configMap).toBeDefined();
    expect(() => parseConfig(configMap.data['config.yaml'], 'configmap.yaml')).not.toThrow();
  });

  it('every deserwall container listens where its ports, probes and services say', () => {
    const list = deserwallContainers();
    expect(list.length).toBeGreaterThanOrEqual(3);
    for (const { deployment, container } of list) {
      const env = envOf(container);
      for (const name of Object.keys(env)) expect(KNOWN_ENV, `${deployment.__file}: unknown env ${name}`).toContain(name);
      const ports = new Map<string, number>((container.ports as Obj[]).map((p) => [p.name, p.containerPort]));
      const listen = Number(env.DESERWALL_LISTEN!.split(':').pop());
      const admin = Number(env.DESERWALL_ADMIN_LISTEN!.split(':').pop());
      expect(env.DESERWALL_ADMIN_LISTEN!.startsWith('0.0.0.0:'), 'probes need the admin listener on all interfaces').toBe(true);
      expect([...ports.values()]).toContain(listen);
      expect(ports.get('admin')).toBe(admin);
      expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'admin' });
      expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'admin' });
      // The config is mounted where the args point.
      const args = container.args as string[];
      expect(args[0]).toBe('serve');
      const configPath = args[args.indexOf('--config') + 1]!;
      const mount = (container.volumeMounts as Obj[]).find((m) => configPath.startsWith(m.mountPath + '/'));
      expect(mount, `${deployment.__file}: ${configPath} is not mounted`).toBeDefined();
      const volume = (deployment.spec.template.spec.volumes as Obj[]).find((v) => v.name === mount!.name)!;
      expect(volume.configMap.name).toBe('deserwall-config');
      expect(Object.keys(configMap.data)).toContain(configPath.slice(mount!.mountPath.length + 1));
      // Services select these pods and target ports that exist.
      const labels = deployment.spec.template.metadata.labels as Obj;
      for (const svc of services.filter((s) => Object.entries(s.spec.selector as Obj).every(([k, v]) => labels[k] === v))) {
        for (const p of svc.spec.ports as Obj[]) expect([...ports.keys()], `${svc.metadata.name} targets ${p.targetPort}`).toContain(p.targetPort);
      }
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(10);
    }
  });

  let proc: ProxyProcess | undefined;
  afterAll(async () => {
    await proc?.stop();
  });

  it('a deserwall started with the ConfigMap config answers the probes on the admin port', async () => {
    const { container } = deserwallContainers().find(({ deployment }) => deployment.metadata.name === 'deserwall')!;
    proc = await startProxy(configMap.data['config.yaml'], [], { DESERWALL_UPSTREAM: envOf(container).DESERWALL_UPSTREAM!.replace('app:8000', '127.0.0.1:9') });
    for (const path of ['/healthz', '/readyz', '/metrics']) {
      const r = await rawRequest(proc.adminPort!, req([`GET ${path} HTTP/1.1`, 'Host: pod']));
      expect(r.responses[0]?.status, path).toBe(200);
    }
  });
});
