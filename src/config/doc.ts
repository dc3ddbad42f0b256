/**
 * Generates the configuration reference (docs/config.md) from the schema, so
 * that every key, its type, its default and its description come from one
 * place. `deserwall schema --markdown` prints it; a test checks the file is
 * current.
 */
import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from './schema.js';

interface Row {
  readonly key: string;
  readonly type: string;
  readonly def: string;
  readonly description: string;
}

const HEADER = `# Configuration reference

deserwall reads one YAML file (\`deserwall serve --config FILE\`). Every key is
optional and takes the default shown. Unknown keys are errors. Check a file
with \`deserwall check-config FILE\`: every problem is listed with file, line,
column and key path.

Environment variables override the file, and command-line flags override both:

| variable | flag | key |
| --- | --- | --- |
| \`DESERWALL_LISTEN\` | \`--listen\` | \`listen\` |
| \`DESERWALL_UPSTREAM\` | \`--upstream\` | \`upstream\` |
| \`DESERWALL_MODE\` | \`--mode\` | \`mode\` |
| \`DESERWALL_WORKERS\` | \`--workers\` | \`workers\` |
| \`DESERWALL_ADMIN_LISTEN\` | \`--admin\` | \`admin.listen\` |

This file is generated from the schema (src/config/schema.ts) by
\`deserwall schema --markdown\`; do not edit it by hand.

`;

export function configReference(): string {
  const rows: Row[] = [];
  walk(ConfigSchema, '', rows);
  const table = ['| key | type | default | description |', '| --- | --- | --- | --- |', ...rows.map((r) => `| \`${r.key}\` | ${r.type} | ${r.def} | ${r.description} |`)];
  return `${HEADER}${table.join('\n')}\n\n${POLICY_NOTES}`;
}

function walk(schema: TSchema, prefix: string, rows: Row[]): void {
  const props = (schema as { properties?: Record<string, TSchema> }).properties;
  if (!props) return;
  for (const [name, sub] of Object.entries(props)) {
    const key = prefix ? `${prefix}.${name}` : name;
    const s = sub as TSchema & { properties?: unknown; type?: string; items?: TSchema; patternProperties?: Record<string, TSchema> };
    if (s.type === 'object' && s.properties && !isLeafObject(key)) {
      walk(s, key, rows);
      continue;
    }
    rows.push({ key, type: typeOf(s), def: defaultOf(s), description: escape((s as { description?: string }).description ?? describeKnown(key)) });
    if (s.type === 'array' && s.items && (s.items as { properties?: unknown }).properties) walk(s.items, `${key}[]`, rows);
    if (s.patternProperties) {
      const inner = Object.values(s.patternProperties)[0];
      if (inner) walk(inner, `${key}.<name>`, rows);
    }
  }
}

/** Objects documented as one row (their structure is explained in the notes). */
function isLeafObject(key: string): boolean {
  return key.endsWith('.families') || key.endsWith('.limits') && key.startsWith('policies');
}

function typeOf(s: TSchema): string {
  const x = s as { type?: string; const?: unknown; anyOf?: TSchema[]; minimum?: number; maximum?: number; pattern?: string; items?: TSchema };
  if (x.const !== undefined) return `\`${JSON.stringify(x.const)}\``;
  if (x.anyOf) return x.anyOf.map(typeOf).join(' \\| ');
  if (x.type === 'integer') {
    const range = x.minimum !== undefined || x.maximum !== undefined ? ` (${x.minimum ?? ''}..${x.maximum ?? ''})` : '';
    return `integer${range}`;
  }
  if (x.type === 'array') return `list of ${x.items ? typeOf(x.items) : 'values'}`;
  if (x.type === 'object') return 'mapping';
  return x.type ?? 'value';
}

function defaultOf(s: TSchema): string {
  const d = (s as { default?: unknown }).default;
  if (d === undefined) return '-';
  if (typeof d === 'object' && d !== null && Object.keys(d).length === 0 && !Array.isArray(d)) return '-';
  return `\`${JSON.stringify(d)}\``;
}

function describeKnown(key: string): string {
  const known: Record<string, string> = {
    listen: 'Address the proxy listens on.',
    mode: 'block: refuse requests with findings. log: forward them and log each finding with action "logged".',
    workers: 'Worker processes (node:cluster); auto = one per CPU.',
    blockStatus: 'Status answered for a blocked attack.',
    'admin.enabled': 'Run the admin listener (health, readiness, metrics, dashboard).',
    'admin.listen': 'Admin listener address (keep it on loopback or a private network).',
    'logging.level': 'pino log level.',
    policies: 'Named policies (see below). `default` always exists and applies to requests no route matches.',
    routes: 'Routes, first match wins (see below).',
  };
  return known[key] ?? '';
}

function escape(s: string): string {
  return s.replaceAll('|', '\\|');
}

const POLICY_NOTES = `## Policies and routes

\`\`\`yaml
policies:
  ml-upload:
    families:                      # action per family: block | log | allow | allowlist
      pickle: { action: allowlist, allow: ['@ml-default', 'mypkg.models:MyLayer'] }
    limits: { maxBodyBytes: 268435456 }   # overrides of limits.* for this policy
    exclusions:
      - { rule: DW-XML-002, param: 'form:svg', reason: 'SVG 1.1 doctype in our editor' }
    onError: block                 # decoder errors and limits: block (default) or log
routes:
  - match: { host: 'api.example.com', methods: [POST], path: '/ml/**' }
    policy: ml-upload
    mode: block                    # overrides the global mode for this route
    websocket: deny
\`\`\`

Families: \`pickle java dotnet xml yaml php ruby node jsonpoly\`. \`allowlist\` exists for
\`pickle\` (\`allow\`: \`module:name\` pairs, or \`@ml-default\` for the shipped ML list) and
\`java\` (\`filter\`: a JEP 290 pattern string). Route paths without \`*\` are prefixes that end
on a segment boundary (\`/ml\` matches \`/ml\` and \`/ml/x\`, not \`/mlx\`); \`*\` matches within a
segment and \`**\` across segments. Hosts match exactly or, with \`*.example.com\`, any subdomain.
Paths are compared after decoding percent-encoded unreserved characters; paths with dot
segments, encoded slashes or backslashes are refused before routing.
`;
