/**
 * The configuration schema: the single source of truth for every key, its
 * type and its default. The YAML file is validated against it (ajv, with
 * `additionalProperties: false` everywhere: an unknown key is an error), the
 * defaults come from it, and `deserwall schema` prints it for editors.
 * docs/config.md documents each key; a test checks they agree.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const strict = { additionalProperties: false } as const;

const HostPort = Type.String({
  pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$',
  description: 'host:port to listen on (use [::1]:port for IPv6)',
});

const Bytes = (def: number, description: string) => Type.Integer({ minimum: 0, default: def, description });
const Ms = (def: number, description: string) => Type.Integer({ minimum: 0, default: def, description });

export const MIB = 1024 * 1024;

export const Limits = Type.Object(
  {
    maxBodyBytes: Bytes(16 * MIB, 'Largest request body accepted (413 above it); the whole body is held and inspected.'),
    maxHeaderCount: Type.Integer({ minimum: 1, maximum: 10000, default: 100, description: 'Most header lines in a request (431 above it).' }),
    maxHeaderBytes: Type.Integer({ minimum: 1024, maximum: 1048576, default: 16384, description: 'Largest request header section in bytes (431 above it).' }),
    maxUrlBytes: Type.Integer({ minimum: 64, maximum: 1048576, default: 8192, description: 'Longest request target (414 above it).' }),
    maxDecodedBytes: Bytes(16 * MIB, 'Largest output of one decoding step (decompression, base64, zip member ...); 413 above it.'),
    maxDecodedTotalBytes: Bytes(64 * MIB, 'Total bytes produced by all decoding steps of one request; 413 above it.'),
    maxDecompressionRatio: Type.Integer({ minimum: 1, default: 100, description: 'Largest output/input ratio of a decompression once its output passes 64 KiB; 413 above it.' }),
    maxDecodeDepth: Type.Integer({ minimum: 0, maximum: 16, default: 3, description: 'How many decoders may be stacked (percent, base64, hex, gzip, zip, charset ...).' }),
    maxJsonDepth: Type.Integer({ minimum: 1, maximum: 10000, default: 64, description: 'Deepest JSON nesting (413 above it).' }),
    maxXmlDepth: Type.Integer({ minimum: 1, maximum: 10000, default: 64, description: 'Deepest XML element nesting in an XML body, part or value (413 above it).' }),
    maxJsonKeys: Type.Integer({ minimum: 1, default: 1000000, description: 'Most object keys in one JSON document (413 above it); values are capped at four times this.' }),
    maxFormParams: Type.Integer({ minimum: 1, default: 1000, description: 'Most fields in a urlencoded body or query string (413 above it).' }),
    maxMultipartParts: Type.Integer({ minimum: 1, default: 100, description: 'Most parts in a multipart body (413 above it).' }),
    maxPartHeaderBytes: Type.Integer({ minimum: 256, default: 8192, description: 'Largest header block of one multipart part (413 above it).' }),
    maxZipEntries: Type.Integer({ minimum: 1, default: 1000, description: 'Most entries in an inspected zip container (413 above it).' }),
    maxZipUncompressedBytes: Bytes(64 * MIB, 'Largest total uncompressed size of an inspected zip container (413 above it).'),
    inspectionBudgetMs: Ms(2000, 'CPU time the engine may spend on one request (fail closed with 413 above it).'),
    maxConnections: Type.Integer({ minimum: 1, default: 4096, description: 'Most open client connections per worker; connections over it are closed at once.' }),
    shedAboveHeapBytes: Type.Integer({ minimum: 0, default: 1024 * MIB, description: 'Load shedding: while the JS heap in use is above this, new requests get 503 with Retry-After and in-flight ones complete (0: never).' }),
  },
  strict,
);

export const Timeouts = Type.Object(
  {
    headersMs: Ms(10000, 'Time to receive the request head (408).'),
    requestMs: Ms(60000, 'Time to receive the whole request, head and body (408).'),
    bodyIdleMs: Ms(15000, 'Longest pause between two body reads (408).'),
    keepAliveMs: Ms(5000, 'Idle time before a client keep-alive connection is closed.'),
    upstreamConnectMs: Ms(5000, 'Time to connect to the upstream (504).'),
    upstreamHeadersMs: Ms(30000, 'Time for the upstream to send its response head (504).'),
    upstreamBodyIdleMs: Ms(30000, 'Longest pause while streaming the upstream response body.'),
    shutdownGraceMs: Ms(10000, 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are closed.'),
  },
  strict,
);

export const UpstreamPool = Type.Object(
  {
    connections: Type.Integer({ minimum: 1, maximum: 65536, default: 128, description: 'Most pooled connections per upstream.' }),
    keepAliveMs: Ms(4000, 'Idle time before a pooled upstream connection is closed (keep it below the upstream\'s own).'),
    maxRequestsPerConnection: Type.Integer({ minimum: 0, default: 0, description: 'Requests after which a pooled connection is retired (0: no limit).' }),
  },
  strict,
);

const Action = Type.Union([Type.Literal('block'), Type.Literal('log'), Type.Literal('allow'), Type.Literal('allowlist')]);

const FamilySetting = Type.Union([
  Action,
  Type.Object(
    {
      action: Action,
      allow: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Allow-list entries: pickle `module:name` (or `@ml-default`), Java JEP 290 patterns.' })),
      filter: Type.Optional(Type.String({ description: 'Java: a JEP 290 filter string, e.g. `java.util.*;com.example.dto.**;!*`.' })),
    },
    strict,
  ),
]);

export const FAMILY_KEYS = ['pickle', 'java', 'dotnet', 'xml', 'yaml', 'php', 'ruby', 'node', 'jsonpoly'] as const;

const Families = Type.Object(
  {
    pickle: Type.Optional(FamilySetting),
    java: Type.Optional(FamilySetting),
    dotnet: Type.Optional(FamilySetting),
    xml: Type.Optional(FamilySetting),
    yaml: Type.Optional(FamilySetting),
    php: Type.Optional(FamilySetting),
    ruby: Type.Optional(FamilySetting),
    node: Type.Optional(FamilySetting),
    jsonpoly: Type.Optional(FamilySetting),
  },
  strict,
);

const Exclusion = Type.Object(
  {
    rule: Type.String({ minLength: 1, description: 'Rule id to switch off (e.g. DW-XML-002), or a family prefix like DW-XML-*.' }),
    reason: Type.String({ minLength: 3, description: 'Why this exclusion is safe; shown in the start-up log.' }),
    param: Type.Optional(Type.String({ description: 'Only for this parameter: `query:name`, `form:name`, `cookie:name`, `header:name`, `multipart:name`.' })),
    pointer: Type.Optional(Type.String({ description: 'Only for this JSON pointer in the body, e.g. /profile/bio.' })),
  },
  strict,
);

const PolicyLimits = Type.Partial(
  Type.Object({
    maxBodyBytes: Type.Integer({ minimum: 0 }),
    maxDecodeDepth: Type.Integer({ minimum: 0, maximum: 16 }),
    maxDecodedBytes: Type.Integer({ minimum: 0 }),
    maxDecodedTotalBytes: Type.Integer({ minimum: 0 }),
    maxZipEntries: Type.Integer({ minimum: 1 }),
    maxZipUncompressedBytes: Type.Integer({ minimum: 0 }),
    maxJsonDepth: Type.Integer({ minimum: 1 }),
    maxXmlDepth: Type.Integer({ minimum: 1 }),
    inspectionBudgetMs: Type.Integer({ minimum: 0 }),
  }, strict),
  strict,
);

export const Policy = Type.Object(
  {
    description: Type.Optional(Type.String()),
    families: Type.Optional(Families),
    limits: Type.Optional(PolicyLimits),
    exclusions: Type.Optional(Type.Array(Exclusion)),
    onError: Type.Optional(Type.Union([Type.Literal('block'), Type.Literal('log')], { description: 'What a decoder error or limit hit does on this policy (default block: fail closed).' })),
  },
  strict,
);

const RouteMatch = Type.Object(
  {
    host: Type.Optional(Type.String({ description: 'Host (without port); `*.example.com` matches subdomains.' })),
    methods: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Z]+$' }), { minItems: 1 })),
    path: Type.Optional(Type.String({ pattern: '^/', description: 'Path prefix (`/ml/`) or glob (`/api/*/upload`, `/ml/**`).' })),
  },
  strict,
);

const SignatureKey = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$', description: 'Key id, sent by clients as kid=<id>.' }),
    env: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Environment variable holding the secret (its UTF-8 bytes are the key). Set exactly one of env and file.' })),
    file: Type.Optional(Type.String({ minLength: 1, description: 'File holding the secret, relative to the config file (its bytes are the key, one trailing newline ignored). At least 16 bytes.' })),
  },
  strict,
);

const RouteSignature = Type.Object(
  {
    header: Type.String({ pattern: '^[A-Za-z0-9-]{1,64}$', default: 'X-Signature', description: 'Header carrying t=<unix>,kid=<id>,sig=<hex>: HMAC-SHA256 over "<t>." followed by the body bytes as sent (see docs/policies.md).' }),
    keys: Type.Array(SignatureKey, { minItems: 1, description: 'Accepted keys (several at once for rotation); read when the config is loaded: a missing one is a config error.' }),
    maxSkewSeconds: Type.Integer({ minimum: 1, maximum: 86400, default: 300, description: 'Accepted age of the signature timestamp, either way (replay window).' }),
  },
  { ...strict, description: 'Require an HMAC-signed body; a valid signature lets findings through as logged (401 otherwise).' },
);

const SchemaRef = (what: string) =>
  Type.Union(
    [
      Type.String({ minLength: 1, description: 'Path of a JSON or YAML file holding the schema (relative to the config file).' }),
      Type.Object({}, { additionalProperties: true, description: 'An inline JSON Schema (draft 2020-12).' }),
    ],
    { description: `JSON Schema for ${what}: a file path (relative to the config file) or an inline schema.` },
  );

const RouteSchema = Type.Object(
  {
    body: Type.Optional(SchemaRef('the JSON body (application/json, +json)')),
    query: Type.Optional(SchemaRef('the query string, as an object of strings (a repeated name: an array)')),
    form: Type.Optional(SchemaRef('urlencoded form bodies, as an object of strings (a repeated name: an array)')),
  },
  { ...strict, description: 'JSON Schemas (draft 2020-12) for the JSON body, the query string and urlencoded form bodies; `pattern` runs on RE2; 422 on failure.' },
);

export const Route = Type.Object(
  {
    name: Type.Optional(Type.String()),
    match: RouteMatch,
    policy: Type.String({ default: 'default' }),
    mode: Type.Optional(Type.Union([Type.Literal('block'), Type.Literal('log')])),
    websocket: Type.Optional(Type.Union([Type.Literal('allow'), Type.Literal('deny')], { description: 'WebSocket upgrades on this route (default allow).' })),
    signature: Type.Optional(RouteSignature),
    schema: Type.Optional(RouteSchema),
  },
  strict,
);

export const ConfigSchema = Type.Object(
  {
    listen: Type.String({ ...HostPort, default: '127.0.0.1:8080' }),
    upstream: Type.Union([Type.String({ pattern: '^https?://' }), Type.Null()], { default: null, description: 'Upstream base URL. null: start the embedded demo app.' }),
    mode: Type.Union([Type.Literal('block'), Type.Literal('log')], { default: 'block' }),
    workers: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1, maximum: 256 })], { default: 1 }),
    hostHeader: Type.Union([Type.Literal('preserve'), Type.Literal('upstream')], { default: 'preserve', description: 'Keep the client Host or rewrite it to the upstream host.' }),
    trustedProxies: Type.Array(Type.String(), { default: [], description: 'CIDRs whose X-Forwarded-For is trusted.' }),
    blockStatus: Type.Integer({ minimum: 400, maximum: 499, default: 403 }),
    admin: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        listen: Type.String({ ...HostPort, default: '127.0.0.1:9090' }),
        dashboard: Type.Boolean({ default: true, description: 'Serve the live dashboard at / on the admin listener.' }),
      },
      { ...strict, default: {} },
    ),
    audit: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Write one JSON audit record per request with findings, and per blocked or refused request (with its error code).' }),
        destination: Type.String({ default: 'stdout', minLength: 1, description: '"stdout" or a file path (rotated by size).' }),
        maxBytes: Type.Integer({ minimum: 1024, default: 10485760, description: 'Rotate the audit file when it reaches this size.' }),
        maxFiles: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'Rotated audit files kept (file.1 ... file.N).' }),
      },
      { ...strict, default: {} },
    ),
    watchConfig: Type.Boolean({ default: false, description: 'Reload when the config file changes (SIGHUP always reloads).' }),
    extAuthz: Type.Object(
      {
        enabled: Type.Boolean({ default: false, description: 'Run as an Envoy ext_authz HTTP service: inspect and answer allow (200) or deny, never forward (flag --ext-authz).' }),
        pathPrefix: Type.String({ default: '', description: 'The http_service path_prefix Envoy prepends; stripped before routing and inspection.' }),
      },
      { ...strict, default: {} },
    ),
    limits: Type.Object(Limits.properties, { ...strict, default: {} }),
    timeouts: Type.Object(Timeouts.properties, { ...strict, default: {} }),
    upstreamPool: Type.Object(UpstreamPool.properties, { ...strict, default: {} }),
    logging: Type.Object(
      {
        level: Type.Union(
          [Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'), Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')],
          { default: 'info' },
        ),
        access: Type.Boolean({ default: true, description: 'One access line per request.' }),
        excerpts: Type.Boolean({ default: true, description: 'Include escaped excerpts (<= 64 bytes) of matches in finding lines.' }),
      },
      { ...strict, default: {} },
    ),
    policies: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), Policy, { default: {} }),
    routes: Type.Array(Route, { default: [] }),
  },
  strict,
);

export type Config = Static<typeof ConfigSchema>;
export type PolicyConfig = Static<typeof Policy>;
export type RouteConfig = Static<typeof Route>;
export type LimitsConfig = Static<typeof Limits>;
export type TimeoutsConfig = Static<typeof Timeouts>;

export function schemaJson(): TSchema {
  return ConfigSchema;
}
