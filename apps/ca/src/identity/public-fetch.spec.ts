import { promises as dns } from 'node:dns';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { AddressRefused, addressRefusal, publicOnlyFetch } from './public-fetch';

async function listen<T extends Server | HttpServer>(server: T): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const close = (server: Server | HttpServer): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()));

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe(publicOnlyFetch.name, () => {
  // Security review L2: `jwks_uri` (and a wildcard-matched issuer) may name any host; what it
  // resolves to is checked on the connection itself. Every address below is on this machine.
  describe('refuses addresses that are not public, before connecting', () => {
    let server: Server;
    let port: number;
    let connections: number;

    beforeEach(async () => {
      connections = 0;
      server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      port = await listen(server);
    });
    afterEach(() => close(server));

    it('after DNS: localhost resolves to a loopback address', async () => {
      const [first] = await dns.lookup('localhost', { all: true });
      const error = await rejectionOf(publicOnlyFetch()(`https://localhost:${port}/jwks`));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('fetch failed');
      expect(error.cause).toBeInstanceOf(AddressRefused);
      expect(addressRefusal(error)?.message).toBe(
        `localhost resolves to ${first?.address}, which is a loopback address, refused for an issuer without allowHttp`,
      );
      expect(connections).toBe(0);
    });

    it.each([
      ['127.0.0.1', '127.0.0.1'],
      ['[::1]', '::1'],
      ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ])('an IP-literal host %s, which skips DNS', async (host, address) => {
      const error = await rejectionOf(publicOnlyFetch()(`https://${host}:${port}/`));
      expect(addressRefusal(error)?.message).toBe(
        `${address} is a loopback address, refused for an issuer without allowHttp`,
      );
      expect(connections).toBe(0);
    });
  });

  // The transport itself, against a loopback server that a test classifier lets through.
  describe('as a fetch', () => {
    const everywhere = publicOnlyFetch(() => 'public');
    let server: HttpServer;
    let base: string;
    const seen: Array<{ url?: string; accept?: string }> = [];

    beforeAll(async () => {
      server = createHttpServer((req, res) => {
        seen.push({ url: req.url, accept: req.headers.accept });
        if (req.url === '/json') res.writeHead(200, { 'content-type': 'application/json' });
        else if (req.url === '/moved') res.writeHead(302, { location: '/json' });
        else if (req.url === '/empty') res.writeHead(204);
        else if (req.url === '/slow')
          return; // never answers
        else res.writeHead(404);
        res.end(req.url === '/json' ? '{"keys":[]}' : '');
      });
      base = `http://localhost:${await listen(server)}`;
    });
    afterAll(() => {
      server.closeAllConnections();
      return close(server);
    });

    it('returns status, headers and body, sending the request headers', async () => {
      const response = await everywhere(`${base}/json`, {
        headers: new Headers({ accept: 'application/json' }),
      });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(await response.json()).toEqual({ keys: [] });
      expect(seen.at(-1)).toEqual({ url: '/json', accept: 'application/json' });
    });

    it('does not follow redirects, and gives a 204 no body', async () => {
      const moved = await everywhere(`${base}/moved`, { redirect: 'manual' });
      expect([moved.status, moved.headers.get('location')]).toEqual([302, '/json']);
      expect(seen.at(-1)?.url).toBe('/moved');
      expect((await everywhere(`${base}/empty`)).body).toBeNull();
    });

    it("rejects with the signal's reason when it aborts", async () => {
      const error = await rejectionOf(
        everywhere(`${base}/slow`, { signal: AbortSignal.timeout(50) }),
      );
      expect(error.name).toBe('TimeoutError');
    });

    it('refuses what the CA never sends: other methods, bodies, schemes', async () => {
      for (const [url, init, reason] of [
        [`${base}/json`, { method: 'POST' }, 'only GET without a body is supported, not POST'],
        [`${base}/json`, { body: 'x' }, 'only GET without a body is supported, not GET'],
        ['ftp://localhost/x', {}, 'scheme ftp: is not supported'],
      ] as const) {
        const error = await rejectionOf(everywhere(url, init));
        expect([error.message, (error.cause as Error).message]).toEqual(['fetch failed', reason]);
      }
    });
  });
});
