import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mayHoldAliases } from '../../../src/engine/detectors/yaml/alias-gate.js';
import { MAX_ANCHORS } from '../../../src/engine/detectors/yaml/alias-regions.js';
import { findAliasBomb } from '../../../src/engine/detectors/yaml/aliases.js';
import { yamlDetector } from '../../../src/engine/detectors/yaml/detector.js';
import { inspect, rulesOf } from '../../helpers/engine.js';
import { findHits, run, utf8 } from '../php/harness.js';

const YAML_CT = 'application/x-yaml';
const times = (n: number, s: string, sep = ','): string => Array.from({ length: n }, () => s).join(sep);

/** Classic flow-style bomb: `levels` anchors, each aliasing the previous one `fan` times. */
function flowBomb(levels: number, fan: number): string {
  const lines = [`a0: &a0 [${times(fan, '"lol"')}]`];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i} [${times(fan, `*a${i - 1}`)}]`);
  return `${lines.join('\n')}\n`;
}

/** The same in block style. */
function blockBomb(levels: number, fan: number): string {
  const lines = ['a0: &a0', ...Array.from({ length: fan }, () => '  - lol')];
  for (let i = 1; i <= levels; i++) lines.push(`a${i}: &a${i}`, ...Array.from({ length: fan }, () => `  - *a${i - 1}`));
  return `${lines.join('\n')}\n`;
}

const DOCKER_COMPOSE = `x-logging: &default-logging
  driver: json-file
  options:
    max-size: "10m"
    max-file: "3"
x-env: &env
  TZ: UTC
  LOG_LEVEL: info
services:
  web:
    image: nginx:1.25
    logging: *default-logging
    environment:
      <<: *env
      PORT: "80"
  api:
    image: example/api:2.1
    logging: *default-logging
    environment:
      <<: *env
      DB_URL: postgres://db/app
  worker:
    <<: &worker
      image: example/worker:2.1
      restart: always
    logging: *default-logging
  worker2:
    <<: *worker
    command: ["run", "--queue", "low"]
`;

const KUBERNETES = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: &labels
    app: web
    tier: frontend
spec:
  replicas: 3
  selector:
    matchLabels: *labels
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - name: web
          image: "nginx:1.25"
          args: ["--port", "8080"]
          resources: &res {limits: {cpu: 500m, memory: 128Mi}}
        - name: sidecar
          image: envoy:1.29
          resources: *res
`;

/** A CI workflow with one anchored step list reused 40 times. */
function ciWorkflow(uses: number): string {
  const jobs = Array.from({ length: uses }, (_, i) => `  job${i}:\n    runs-on: ubuntu-latest\n    steps: *steps\n`).join('');
  return `name: ci
on: [push, pull_request]
x-steps: &steps
  - uses: actions/checkout@v4
  - uses: actions/setup-node@v4
    with: &node {node-version: 20, cache: npm}
  - run: |
      npm ci
      echo "*steps &x" # not YAML here
      npm test
  - name: "quoted *steps and &anchors"
    run: npm run lint
jobs:
${jobs}`;
}

const bomb = (s: string) => findAliasBomb(utf8(s));

describe('findAliasBomb: expansion bombs', () => {
  it('9 levels x 9 aliases (billion laughs) in flow style', () => {
    const r = bomb(flowBomb(9, 9));
    expect(r).toBeDefined();
    expect(r!.added).toBeGreaterThan(100_000);
  });

  it('the same in block style and in later documents', () => {
    expect(bomb(blockBomb(9, 9))).toBeDefined();
    expect(bomb(`a: 1\n---\n${blockBomb(6, 10)}`)).toBeDefined();
  });

  it('two anchors: 1,000 scalars aliased 1,000 times (10^6 nodes)', () => {
    const text = `a: &a [${times(1000, 'x')}]\nb: &b [${times(1000, '*a')}]\n`;
    const r = bomb(text);
    expect(r?.added).toBeGreaterThan(100_000); // the scan stops once the verdict cannot change
    expect(r?.name).toBe('a');
  });

  it('anchors on sequence entries and nested block mappings', () => {
    const levels = ['- &l0\n  - [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i <= 6; i++) levels.push(`- &l${i}\n  k: [${times(10, `*l${i - 1}`)}]`);
    expect(bomb(levels.join('\n'))).toBeDefined();
  });

  it('a redefined anchor: later definitions win for later aliases', () => {
    const small = `a: &x [1]\n`;
    const big = `b: &x [${times(1000, 'y')}]\n`;
    expect(bomb(`${big}${small}c: [${times(1000, '*x')}]\n`)).toBeUndefined();
    expect(bomb(`${small}${big}c: [${times(1000, '*x')}]\n`)).toBeDefined();
  });

  it(`anchors past the table (${MAX_ANCHORS}) fail closed`, () => {
    const padding = Array.from({ length: MAX_ANCHORS }, (_, i) => `p${i}: &p${i} 1`).join('\n');
    expect(bomb(`${padding}\n${flowBomb(9, 9)}`)).toBeDefined();
  });

  it('quoted scalars, comments and block scalars hide nothing they should not', () => {
    const text = `# comment *a0\nq: "a, ], *a0"\n${flowBomb(8, 9)}`;
    expect(bomb(text)).toBeDefined();
  });
});

describe('findAliasBomb: ordinary YAML', () => {
  it.each([
    ['docker-compose with merge keys', DOCKER_COMPOSE],
    ['Kubernetes manifest', KUBERNETES],
    ['GitHub Actions with an anchor used 40 times', ciWorkflow(40)],
    ['recursive alias (a pointer, not an expansion)', 'a: &a [1, *a, *a]\n'],
    ['a large list without aliases', `l: [${times(200_000, '1')}]\n`],
    ['an anchor of 5,000 nodes used 30 times within 60,000 written nodes', `a: &a [${times(5000, 'x')}]\nb: [${times(55_000, 'y')}]\nc: [${times(30, '*a')}]\n`],
  ])('%s', (_n, text) => {
    expect(bomb(text)).toBeUndefined();
  });

  it('an alias is not read inside a quoted scalar or a block scalar', () => {
    const text = `a: &a [${times(1000, 'x')}]\nb: "${times(1000, '*a', ' ')}"\nc: |\n  ${times(1000, '*a', '\n  ')}\n`;
    expect(bomb(text)).toBeUndefined();
  });
});

describe('alias gate', () => {
  const gate = (s: string) => {
    const b = utf8(s);
    return mayHoldAliases(b, findHits(yamlDetector, b));
  };
  it('skips prose, JSON and HTML that only look like anchors', () => {
    expect(gate('Tom & Jerry *and* friends: R&D, &copy; 2024 *copy')).toBe(false);
    expect(gate('{"q": "a &b", "r": [1, 2], "s": "x * y"}')).toBe(false);
    expect(gate('<p>Fish &amp; chips *</p>')).toBe(false);
  });
  it('opens for an aliased anchor', () => {
    expect(gate('a: &x 1\nb: *x\n')).toBe(true);
    expect(gate('{"a": &x [1], "b": [*x]}')).toBe(true);
  });
});

describe('yamlDetector and engine: DW-YAML-004', () => {
  it('the detector reports the bomb once, with the alias that expands most', () => {
    const r = run(yamlDetector, flowBomb(9, 9));
    expect(r.rules).toEqual(['DW-YAML-004']);
    expect(r.findings).toHaveLength(1);
    expect(r.findings[0]!.message).toMatch(/alias expansion/);
  });

  it('gives up when the inspection budget is exhausted', () => {
    expect(run(yamlDetector, flowBomb(9, 9), { budget: 0 }).findings).toEqual([]);
  });

  it('is refused through the engine as YAML, as a JSON string value and as a form field', () => {
    const text = flowBomb(9, 9);
    expect(rulesOf(inspect(text, { contentType: YAML_CT }))).toContain('DW-YAML-004');
    expect(rulesOf(inspect(JSON.stringify({ config: text }), { contentType: 'application/json' }))).toContain('DW-YAML-004');
    expect(rulesOf(inspect(`config=${encodeURIComponent(text)}`, { contentType: 'application/x-www-form-urlencoded' }))).toContain('DW-YAML-004');
  });

  it('any chunk split gives the same verdict', () => {
    const cases = [flowBomb(9, 9), blockBomb(6, 10), DOCKER_COMPOSE, KUBERNETES, ciWorkflow(40)];
    const whole = cases.map((c) => rulesOf(inspect(c, { contentType: YAML_CT })));
    expect(whole.map((r) => r.includes('DW-YAML-004'))).toEqual([true, true, false, false, false]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: cases.length - 1 }), fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 8 }), (k, chunks) => {
        expect(rulesOf(inspect(cases[k]!, { contentType: YAML_CT, chunks }))).toEqual(whole[k]);
      }),
      { numRuns: 60 },
    );
  });
});
