/**
 * A tiny PHP serialize() writer and phar builder for tests. JavaScript
 * strings stand for latin1 byte strings (one char = one byte), so `\0`
 * property-name mangling and binary bytes come out exactly as PHP writes them.
 */
import { createHash } from 'node:crypto';

export type PhpValue = null | boolean | number | string | PhpArray | PhpObject | PhpCustom | PhpRaw;

export class PhpArray {
  constructor(readonly entries: readonly (readonly [number | string, PhpValue])[]) {}
}
export class PhpObject {
  constructor(readonly cls: string, readonly props: readonly (readonly [string, PhpValue])[]) {}
}
export class PhpCustom {
  constructor(readonly cls: string, readonly payload: string) {}
}
/** Already serialized text, inserted verbatim. */
export class PhpRaw {
  constructor(readonly text: string) {}
}

export const arr = (...entries: (readonly [number | string, PhpValue])[]): PhpArray => new PhpArray(entries);
export const list = (...values: PhpValue[]): PhpArray => new PhpArray(values.map((v, i) => [i, v] as const));
export const obj = (cls: string, props: Record<string, PhpValue>): PhpObject => new PhpObject(cls, Object.entries(props));
export const custom = (cls: string, payload: string): PhpCustom => new PhpCustom(cls, payload);
export const raw = (text: string): PhpRaw => new PhpRaw(text);
/** Protected property name as PHP mangles it. */
export const prot = (name: string): string => `\0*\0${name}`;
/** Private property name as PHP mangles it. */
export const priv = (cls: string, name: string): string => `\0${cls}\0${name}`;

export function ser(v: PhpValue): string {
  if (v === null) return 'N;';
  if (typeof v === 'boolean') return `b:${v ? 1 : 0};`;
  if (typeof v === 'number') return Number.isSafeInteger(v) ? `i:${v};` : `d:${v};`;
  if (typeof v === 'string') return `s:${v.length}:"${v}";`;
  if (v instanceof PhpRaw) return v.text;
  if (v instanceof PhpCustom) return `C:${v.cls.length}:"${v.cls}":${v.payload.length}:{${v.payload}}`;
  if (v instanceof PhpArray) {
    return `a:${v.entries.length}:{${v.entries.map(([k, x]) => ser(k) + ser(x)).join('')}}`;
  }
  return `O:${v.cls.length}:"${v.cls}":${v.props.length}:{${v.props.map(([k, x]) => ser(k) + ser(x)).join('')}}`;
}

/** `S:` form of a string: every byte in `escape` is written as `\xx`. */
export function escapedString(s: string, escape: (c: string) => boolean = () => true): string {
  let body = '';
  for (const c of s) body += escape(c) ? `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c;
  return `S:${s.length}:"${body}";`;
}

function u32(n: number): string {
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

export interface PharFile {
  readonly name: string;
  readonly data: string;
  readonly metadata?: string;
}

export interface PharOptions {
  /** Bytes before the stub (an image header for polyglots). */
  readonly prefix?: string;
  readonly stub?: string;
  readonly alias?: string;
  readonly metadata?: string;
  readonly files?: readonly PharFile[];
  readonly signed?: boolean;
}

/** Builds a phar archive the way Phar::stopBuffering lays it out (latin1 string). */
export function buildPhar(o: PharOptions = {}): string {
  const files = o.files ?? [{ name: 'test.txt', data: 'text' }];
  const alias = o.alias ?? '';
  const metadata = o.metadata ?? '';
  let entries = '';
  for (const f of files) {
    const meta = f.metadata ?? '';
    entries += u32(f.name.length) + f.name + u32(f.data.length) + u32(1_700_000_000) + u32(f.data.length) +
      u32(0) + u32(0x1b6) + u32(meta.length) + meta;
  }
  const body = u32(files.length) + '\x11\x10' + u32(o.signed === false ? 0 : 0x10000) + u32(alias.length) + alias +
    u32(metadata.length) + metadata + entries;
  const stub = (o.prefix ?? '') + (o.stub ?? '<?php __HALT_COMPILER(); ?>\r\n');
  let out = stub + u32(body.length) + body + files.map((f) => f.data).join('');
  if (o.signed !== false) {
    const digest = createHash('sha1').update(Buffer.from(out, 'latin1')).digest('latin1');
    out += digest + u32(0x0002) + 'GBMB';
  }
  return out;
}

export const GIF_HEADER = 'GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00';
export const JPEG_HEADER = '\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00';
