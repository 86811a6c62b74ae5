/**
 * Which webhook targets are allowed (GUIDE 7: targets that resolve to private addresses). A URL is
 * http or https without credentials; unless the administrator allows private targets, no address
 * it reaches may be private, loopback, link-local, unique-local, CGNAT, multicast, reserved,
 * unspecified, or an IPv6 form that embeds an IPv4 address. The same test runs at creation (on
 * what the name resolves to then) and at every connection (on the address actually dialled: see
 * http-sender.ts), so a name that is re-pointed later (DNS rebinding) is still refused.
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Errors } from '../errors.js';

/** Longest accepted webhook URL. */
export const MAX_URL_LENGTH = 2048;

const BLOCKED_V4: ReadonlyArray<[string, number]> = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const BLOCKED_V6: ReadonlyArray<[string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b::', 96], // NAT64: reaches any IPv4 address, private ones included (so all of it is refused)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 32], // Teredo: tunnels to an IPv4 address it embeds
  ['2001:2::', 48], // benchmarking
  ['2001:10::', 28], // ORCHID (deprecated)
  ['2001:20::', 28], // ORCHIDv2
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address (all of it refused, whatever that address is)
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

// Two lists: Node's BlockList matches an IPv4 address against IPv6 rules through its mapped form
// (::ffff:a.b.c.d), so one list holding ::ffff:0:0/96 would refuse every IPv4 address.
const blockList = (rules: ReadonlyArray<[string, number]>, family: 'ipv4' | 'ipv6'): BlockList => {
  const list = new BlockList();
  for (const [net, prefix] of rules) list.addSubnet(net, prefix, family);
  return list;
};
// Immutable after construction: constant tables, not state.
const BLOCKED = { ipv4: blockList(BLOCKED_V4, 'ipv4'), ipv6: blockList(BLOCKED_V6, 'ipv6') } as const;

/** True for an address a webhook may not reach by default (anything that is not an address too). */
export const isPrivateAddress = (address: string): boolean => {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 0) return true;
  return family === 4 ? BLOCKED.ipv4.check(bare, 'ipv4') : BLOCKED.ipv6.check(bare, 'ipv6');
};

/** The URL, parsed and checked for form (400 bad_webhook_url otherwise). */
export const parseWebhookUrl = (text: string): URL => {
  if (text.length > MAX_URL_LENGTH) throw new Errors.BadWebhookUrl('this one is longer');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Errors.BadWebhookUrl('this is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Errors.BadWebhookUrl(`${url.protocol} is not http or https`);
  if (url.username || url.password) throw new Errors.BadWebhookUrl('credentials in the URL are not accepted (put a token in the path)');
  if (!url.hostname) throw new Errors.BadWebhookUrl('the URL has no host');
  return url;
};

/** The host of a URL as an address or a name to resolve (brackets of IPv6 literals removed). */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '');

/**
 * Checks a new webhook's target: its form, and (unless private targets are allowed) the addresses
 * its host resolves to now. A name that does not exist is refused (a typo); one that cannot be
 * resolved right now is accepted and checked again at every connection.
 */
export const checkTarget = async (text: string, allowPrivate: boolean): Promise<URL> => {
  const url = parseWebhookUrl(text);
  if (allowPrivate) return url;
  const host = hostOf(url);
  if (isIP(host)) {
    if (isPrivateAddress(host)) throw new Errors.PrivateWebhookTarget(`${host} is a private, loopback or link-local address; the administrator can allow such targets with MEETPAD_WEBHOOK_ALLOW_PRIVATE`);
    return url;
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTFOUND') throw new Errors.BadWebhookUrl(`the host ${host} does not exist`);
    return url;
  }
  const blocked = addresses.find(({ address }) => isPrivateAddress(address));
  if (blocked) {
    throw new Errors.PrivateWebhookTarget(`${host} resolves to ${blocked.address}, a private, loopback or link-local address; the administrator can allow such targets with MEETPAD_WEBHOOK_ALLOW_PRIVATE`);
  }
  return url;
};
