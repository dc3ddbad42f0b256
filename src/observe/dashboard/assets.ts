/**
 * The dashboard's static files (static/dashboard/: index.html, dashboard.js,
 * dashboard.css, favicon.svg), shipped in the package and read once at start-up. The page
 * holds no request data: everything live comes from the JSON API and is put
 * into the DOM as text. A strict Content-Security-Policy (no inline script,
 * same-origin only) backs that up.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** static/dashboard/ relative to this module (src/observe/dashboard or dist/observe/dashboard). */
export const ASSET_DIR = fileURLToPath(new URL('../../../static/dashboard/', import.meta.url));

export interface Asset {
  readonly body: Buffer;
  readonly contentType: string;
}

export const ASSET_FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

/** Reads every asset; throws (with the missing path) when one is absent. */
export async function loadAssets(dir = ASSET_DIR): Promise<Map<string, Asset>> {
  const out = new Map<string, Asset>();
  for (const [name, contentType] of Object.entries(ASSET_FILES)) {
    out.set(name, { body: await readFile(dir + name), contentType });
  }
  return out;
}
