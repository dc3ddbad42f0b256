/**
 * Describes a system literal for a finding message without echoing request
 * bytes: the URI scheme when it is one of a fixed list (file, http, php,
 * expect, jar, netdoc, gopher, data ...), else a coarse class (other scheme,
 * network-path reference, absolute path, Windows path, relative path).
 */

const KNOWN_SCHEMES = new Set([
  'file',
  'http',
  'https',
  'ftp',
  'ftps',
  'sftp',
  'tftp',
  'php',
  'expect',
  'jar',
  'netdoc',
  'gopher',
  'data',
  'dict',
  'ldap',
  'ldaps',
  'smb',
  'mailto',
  'jndi',
  'rmi',
  'classpath',
  'zip',
  'compress.zlib',
  'compress.bzip2',
  'phar',
  'glob',
  'ssh2',
  'rar',
  'ogg',
  'wrapper',
  'jrt',
  'vfs',
]);

const MAX_SCHEME = 16;

export function describeSystemId(sys: Uint8Array | undefined): string {
  if (!sys || sys.length === 0) return 'empty system literal';
  let i = 0;
  while (i < sys.length && (sys[i] === 0x20 || sys[i] === 0x09 || sys[i] === 0x0a || sys[i] === 0x0d)) i++;
  const start = i;
  let scheme = '';
  for (; i < sys.length && i - start <= MAX_SCHEME; i++) {
    const c = sys[i]!;
    const lower = c >= 0x41 && c <= 0x5a ? c + 0x20 : c;
    const ok = (lower >= 0x61 && lower <= 0x7a) || (i > start && ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e));
    if (!ok) break;
    scheme += String.fromCharCode(lower);
  }
  if (sys[i] === 0x3a && scheme.length > 0) {
    if (scheme.length === 1) return 'Windows path';
    return KNOWN_SCHEMES.has(scheme) ? `${scheme}: scheme` : 'other scheme';
  }
  const c0 = sys[start];
  if (c0 === 0x2f && sys[start + 1] === 0x2f) return 'network-path reference';
  if (c0 === 0x2f || c0 === 0x5c) return 'absolute path';
  return 'relative path';
}
