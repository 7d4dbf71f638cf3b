import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postsInFlightLimit } from './in-flight';

/** H1/L8: one client cannot hold more than the limit of POSTs at once; others and GETs go on. */
describe(postsInFlightLimit.name, () => {
  let server: Server;
  let url: string;
  const held: Array<() => void> = [];

  beforeAll(async () => {
    const limit = postsInFlightLimit(2);
    server = createServer((req, res) =>
      limit(req, res, () => {
        // POSTs wait until the test releases them; GETs answer at once.
        const answer = () => res.end('ok');
        if (req.method === 'POST') held.push(answer);
        else answer();
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    held.splice(0).forEach((release) => release());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = () => fetch(url, { method: 'POST', body: '{}' });
  const until = async (condition: () => boolean) => {
    while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  it('answers 429 with Retry-After past the limit, and counts a request out when it ends', async () => {
    const first = [post(), post()];
    await until(() => held.length === 2);

    const refused = await post();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      code: 429,
      message:
        'too many requests in flight from this client (at most 2 POSTs at a time); retry after 1 second',
    });
    expect((await fetch(url)).status).toBe(200);

    held.shift()!();
    expect((await first[0]!).status).toBe(200);
    const third = post();
    await until(() => held.length === 2);
    held.splice(0).forEach((release) => release());
    expect((await first[1]!).status).toBe(200);
    expect((await third).status).toBe(200);
  });

  it('counts out a request whose client went away', async () => {
    const gone = new AbortController();
    const abandoned = fetch(url, { method: 'POST', body: '{}', signal: gone.signal }).catch(
      () => 'aborted',
    );
    const kept = post();
    await until(() => held.length === 2);
    gone.abort();
    expect(await abandoned).toBe('aborted');
    // The abandoned request's slot is free again, though its handler never answered.
    let status = 429;
    let next: Promise<Response> | undefined;
    for (let tries = 0; status === 429 && tries < 200; tries++) {
      next = post();
      const early = await Promise.race([next, new Promise((r) => setTimeout(r, 20, 'held'))]);
      status = early === 'held' ? 0 : (early as Response).status;
    }
    expect(status).toBe(0);
    await until(() => held.length === 3);
    held.splice(0).forEach((release) => release());
    expect((await kept).status).toBe(200);
    expect((await next!).status).toBe(200);
  });
});
