/**
 * The set of peers whose X-Forwarded-* headers are believed (config
 * `trustedProxies`, CIDRs or addresses). Built on node:net BlockList.
 */
import { BlockList, isIP } from 'node:net';

export interface TrustedProxies {
  contains(address: string): boolean;
}

export function compileTrustedProxies(entries: readonly string[]): TrustedProxies {
  if (entries.length === 0) return { contains: () => false };
  const list = new BlockList();
  for (const entry of entries) {
    const [addr, bits] = entry.split('/');
    const family = isIP(addr ?? '');
    if (family === 0) throw new Error(`trustedProxies: "${entry}" is not an IP address or CIDR`);
    const type = family === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(addr!, type);
    else list.addSubnet(addr!, Number(bits), type);
  }
  return {
    contains(address: string): boolean {
      const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
      const family = isIP(v4);
      if (family === 0) return false;
      return list.check(v4, family === 6 ? 'ipv6' : 'ipv4');
    },
  };
}
