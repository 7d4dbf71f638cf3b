import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, ExitCode } from './exit-codes';
import { requestJsonPage } from './http';
import { recordingContext } from './testing';

describe(requestJsonPage.name, () => {
  let server: Server;
  let base: string;
  let link: string | undefined;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        ...(link === undefined ? {} : { link }),
      });
      res.end('["a"]');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const page = () =>
    requestJsonPage<string[]>(recordingContext(), 'log search', `${base}/x/search`);

  it('resolves the next page of an RFC 8288 Link header against the URL asked', async () => {
    link = undefined;
    expect(await page()).toEqual({ body: ['a'] });
    link = '</x/search?after=AAAAAAAAAAE>; rel="next"';
    expect(await page()).toEqual({ body: ['a'], next: `${base}/x/search?after=AAAAAAAAAAE` });
    link = '<?after=B>; rel=next, <https://elsewhere.example/docs>; rel="help"';
    expect((await page()).next).toBe(`${base}/x/search?after=B`);
    link = '</x/search?after=B>; rel="prev"';
    expect((await page()).next).toBeUndefined();
  });

  it('refuses (exit 2) a next page on another origin', async () => {
    link = '<https://elsewhere.example/x/search?after=B>; rel="next"';
    await expect(page()).rejects.toEqual(
      new CliError(
        ExitCode.error,
        `log search: ${base}/x/search names a next page on another origin`,
      ),
    );
  });
});
