import { BlockList, isIP } from 'node:net';

/**
 * Where an IP address leads: `public`, or the kind of special-purpose range that keeps an issuer
 * request inside the CA's own networks (IANA special-purpose address registries, RFC 6890).
 */
export type AddressClass =
  | 'public'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'carrier-grade NAT'
  | 'link-local'
  | 'unique-local'
  | 'multicast'
  | 'reserved';

type Range = readonly [network: string, prefix: number];

/** In this order: the first class whose ranges hold the address is its class. */
const RANGES: ReadonlyArray<readonly [Exclude<AddressClass, 'public'>, readonly Range[]]> = [
  [
    'unspecified',
    [
      ['0.0.0.0', 8],
      ['::', 128],
    ],
  ], // "this network" (RFC 791), RFC 4291
  [
    'loopback',
    [
      ['127.0.0.0', 8],
      ['::1', 128],
    ],
  ],
  [
    'private',
    [
      ['10.0.0.0', 8],
      ['172.16.0.0', 12],
      ['192.168.0.0', 16],
    ],
  ], // RFC 1918
  ['carrier-grade NAT', [['100.64.0.0', 10]]], // RFC 6598
  [
    'link-local',
    [
      ['169.254.0.0', 16],
      ['fe80::', 10],
    ],
  ], // cloud metadata lives at 169.254.169.254
  ['unique-local', [['fc00::', 7]]], // RFC 4193
  [
    'multicast',
    [
      ['224.0.0.0', 4],
      ['ff00::', 8],
    ],
  ],
  [
    'reserved',
    [
      ['240.0.0.0', 4], // RFC 1112, with 255.255.255.255
      ['192.0.0.0', 24], // IETF protocol assignments
      ['192.0.2.0', 24], // documentation (RFC 5737), and the two below
      ['198.51.100.0', 24],
      ['203.0.113.0', 24],
      ['198.18.0.0', 15], // benchmarking (RFC 2544)
      ['::', 96], // IPv4-compatible IPv6, deprecated (RFC 4291 §2.5.5.1)
      ['100::', 64], // discard-only (RFC 6666)
      ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation (RFC 8215)
      ['2001:db8::', 32], // documentation (RFC 3849)
      ['fec0::', 10], // site-local, deprecated (RFC 3879)
    ],
  ],
];

const LISTS = RANGES.map(([kind, ranges]) => {
  const list = new BlockList();
  for (const [network, prefix] of ranges) {
    list.addSubnet(network, prefix, isIP(network) === 4 ? 'ipv4' : 'ipv6');
  }
  return [kind, list] as const;
});

/**
 * The class of `address`, an IPv4 or IPv6 address as `dns.lookup` returns it (a zone index
 * `%eth0` is allowed). IPv4-mapped IPv6 (`::ffff:10.0.0.1`) counts as its IPv4 address, and so do
 * the IPv4 addresses that NAT64 (`64:ff9b::/96`, RFC 6052) and 6to4 (`2002::/16`, RFC 3056)
 * embed, since a gateway on the way would deliver to them. Anything that is not an IP address is
 * `reserved`: default deny.
 */
export function addressClass(address: string): AddressClass {
  const family = isIP(address);
  if (family === 0) return 'reserved';
  if (family === 6) {
    const embedded = embeddedIpv4(address);
    if (embedded !== undefined) return addressClass(embedded);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  // BlockList compares IPv4-mapped IPv6 addresses with the IPv4 ranges by itself.
  return LISTS.find(([, list]) => list.check(address, type))?.[0] ?? 'public';
}

/** The IPv4 address inside a NAT64 or 6to4 address, else undefined. Requires a valid IPv6. */
function embeddedIpv4(address: string): string | undefined {
  const words = ipv6Words(address);
  if (words[0] === 0x64 && words[1] === 0xff9b && words.slice(2, 6).every((w) => w === 0)) {
    return dotted(words[6]!, words[7]!);
  }
  if (words[0] === 0x2002) return dotted(words[1]!, words[2]!);
  return undefined;
}

function dotted(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/** The eight 16-bit words of a valid IPv6 address (`::` expanded, a dotted IPv4 tail read). */
function ipv6Words(address: string): number[] {
  let text = address.split('%')[0] ?? '';
  const tail = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (tail !== null) {
    const [a, b, c, d] = tail.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, tail.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', rest] = text.split('::');
  const split = (part: string): string[] => (part === '' ? [] : part.split(':'));
  const before = split(head);
  const after = rest === undefined ? [] : split(rest);
  const zeros = rest === undefined ? [] : Array<string>(8 - before.length - after.length).fill('0');
  return [...before, ...zeros, ...after].map((word) => parseInt(word, 16));
}
