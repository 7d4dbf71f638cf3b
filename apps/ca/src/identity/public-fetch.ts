import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { addressClass, type AddressClass } from './address-class';

/**
 * A connection refused because the issuer's host is, or resolves to, an address that is not
 * public. The message names the host, the address and its class, to be logged: never returned to
 * a client, which would learn what the CA's own networks hold.
 */
export class AddressRefused extends Error {
  readonly code = 'ERR_ADDRESS_REFUSED';

  constructor(
    readonly host: string,
    readonly address: string,
    readonly addressClass: Exclude<AddressClass, 'public'>,
  ) {
    const what = host === address ? address : `${host} resolves to ${address}, which`;
    super(`${what} is a ${addressClass} address, refused for an issuer without allowHttp`);
    this.name = 'AddressRefused';
  }
}

/** The {@link AddressRefused} in `error` or its `cause` chain, if any. */
export function addressRefusal(error: unknown): AddressRefused | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof AddressRefused) return e;
  return undefined;
}

/**
 * A `fetch` for issuers without `allowHttp`: it connects only to public addresses, checked on the
 * addresses DNS gave for this very connection (so a name cannot resolve to a public address for
 * the check and a private one for the request), and on IP-literal hosts, which skip DNS. A
 * refusal rejects as `fetch` does (`TypeError: fetch failed`) with an {@link AddressRefused} as
 * its cause, before any connection is made.
 *
 * Built on `node:http`/`node:https` with a `lookup`, which works whatever undici version Node
 * bundles. It does only what the CA's issuer requests need: GET without a body, the request's
 * headers and `signal`, no redirects followed (a 3xx is returned as it is, like
 * `redirect: 'manual'`), no content decoding (it asks for none), one connection per request.
 * `classify` is for tests.
 */
export function publicOnlyFetch(classify = addressClass): typeof fetch {
  const lookup = guardedLookup(classify);
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init?.signal ?? undefined;
      const fail = (error: unknown): void =>
        reject(
          signal?.aborted === true
            ? (signal.reason as Error)
            : new TypeError('fetch failed', { cause: error }),
        );
      const url = new URL(input instanceof Request ? input.url : input);
      const method = init?.method ?? 'GET';
      if (method !== 'GET' || (init?.body ?? null) !== null) {
        return fail(new Error(`only GET without a body is supported, not ${method}`));
      }
      const client = url.protocol === 'https:' ? https : url.protocol === 'http:' ? http : null;
      if (client === null) return fail(new Error(`scheme ${url.protocol} is not supported`));
      const literal = url.hostname.replace(/^\[(.*)\]$/, '$1');
      if (isIP(literal) !== 0) {
        const kind = classify(literal);
        if (kind !== 'public') return fail(new AddressRefused(literal, literal, kind));
      }
      const request = client.request(
        url,
        {
          method,
          headers: Object.fromEntries(new Headers(init?.headers)),
          lookup,
          agent: false,
          ...(signal === undefined ? {} : { signal }),
        },
        (message) => {
          try {
            resolve(toResponse(message));
          } catch (error) {
            message.destroy();
            fail(error);
          }
        },
      );
      request.on('error', fail);
      request.end();
    });
}

/** `dns.lookup` that fails with {@link AddressRefused} when any address found is not public. */
function guardedLookup(classify: (address: string) => AddressClass): LookupFunction {
  return (hostname, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error !== null) return callback(error, '', 0);
      for (const { address } of addresses) {
        const kind = classify(address);
        if (kind !== 'public') return callback(new AddressRefused(hostname, address, kind), '', 0);
      }
      // net asks for every address (autoSelectFamily) or for one.
      if (options.all === true) {
        (callback as unknown as (e: null, all: LookupAddress[]) => void)(null, addresses);
      } else {
        const [first] = addresses;
        if (first === undefined) return callback(new Error(`no address for ${hostname}`), '', 0);
        callback(null, first.address, first.family);
      }
    });
  };
}

/** Statuses whose response has no body (Fetch standard "null body status"). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

function toResponse(message: http.IncomingMessage): Response {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
  const status = message.statusCode ?? 0;
  if (NULL_BODY.has(status)) {
    message.resume();
    return new Response(null, { status, headers });
  }
  const body = Readable.toWeb(message) as ReadableStream<Uint8Array>;
  return new Response(body, { status, headers });
}
