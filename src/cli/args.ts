/**
 * Argument parsing for every command (node:util parseArgs, strict), with the
 * help text each command prints for --help.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../errors.js';

export const MAIN_HELP = `deserwall — a streaming WAF that stops serialized-object and XML-entity attacks

Usage: deserwall <command> [options]

Commands:
  serve          run the reverse proxy
  check-config   validate a config file (exit 0 valid, 1 invalid)
  scan           inspect files or stdin with the engine (exit 0 clean, 1 findings, 2 error)
  sign           print an X-Signature header value for a body (HMAC-SHA256)
  schema         print the config JSON Schema

Run "deserwall <command> --help" for a command's options.
`;

export const COMMAND_HELP: Record<string, string> = {
  serve: `Usage: deserwall serve [--config FILE] [--listen HOST:PORT] [--upstream URL] [--mode block|log]

Run the reverse proxy.

Options:
  -c, --config FILE       YAML config (default: built-in defaults, see config/default.yaml)
  -l, --listen HOST:PORT  listen address            (env DESERWALL_LISTEN)
  -u, --upstream URL      upstream base URL          (env DESERWALL_UPSTREAM)
  -m, --mode block|log    block, or detection only   (env DESERWALL_MODE)
  -w, --workers N|auto    worker processes           (env DESERWALL_WORKERS)
      --admin HOST:PORT   admin listener (health, readiness, metrics)     (env DESERWALL_ADMIN_LISTEN)
      --ext-authz         run as an Envoy ext_authz HTTP service: answer allow (200)
                          or deny (403 with the finding) and never forward
  -h, --help              show this help

Flags override environment variables, which override the file.
With no upstream, an embedded demo app is started behind the proxy.
`,
  'check-config': `Usage: deserwall check-config FILE

Validate a config file against the schema and semantic rules. Every problem is
listed with file, line, column and key path. Exit 0 when valid, 1 when not,
2 on usage errors.

Options:
  -h, --help   show this help
`,
  scan: `Usage: deserwall scan [--json] [--config FILE] [--policy NAME] [--content-type TYPE] PATH... | -

Inspect files (model files, captured bodies) or stdin ("-") with the same
engine the proxy uses. Each file is inspected as a request body.

Options:
      --json               one JSON object per file instead of text
  -c, --config FILE        config whose policies to use (default: built-in)
  -p, --policy NAME        policy to apply (default: default)
      --content-type TYPE  media type to assume for the inputs
  -h, --help               show this help

Exit status: 0 all clean, 1 findings, 2 error.
`,
  sign: `Usage: deserwall sign --key-id ID --key-file FILE [--time UNIX] [BODY_FILE | -]

Print the value of an X-Signature header (t=<unix>,kid=<id>,sig=<hex>) for a
body: HMAC-SHA256 over "<t>." followed by the body bytes.

Options:
      --key-id ID       key id the proxy knows the key by
      --key-file FILE   file holding the secret key
      --time UNIX       timestamp to sign (default: now)
  -h, --help            show this help
`,
  schema: `Usage: deserwall schema [--markdown]

Print the config JSON Schema (for editor completion in YAML files), or with
--markdown the configuration reference (docs/config.md).
`,
};

export interface Parsed {
  readonly values: Record<string, string | boolean | undefined>;
  readonly positionals: string[];
}

export function parse(command: string, argv: string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false): Parsed {
  try {
    const r = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals, strict: true });
    return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${COMMAND_HELP[command] ?? MAIN_HELP}`);
  }
}
