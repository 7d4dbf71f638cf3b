import { Logger } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SignetConfig } from '@app/platform';
import { CtClient } from './ct-client';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

const caError = (code: string, message: string | RegExp): Error =>
  expect.objectContaining({
    code,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  }) as Error;

/** A CT log's add-pre-chain answer (RFC 6962 §4.1): a DigitallySigned ECDSA/SHA-256 signature. */
const SCT = {
  sct_version: 0,
  id: Buffer.alloc(32, 7).toString('base64'),
  timestamp: 1_700_000_000_000,
  extensions: '',
  signature: Buffer.from('04030002' + '3000', 'hex').toString('base64'),
};

describe(CtClient.name, () => {
  let server: Server;
  let handler: Handler;
  let client: CtClient;
  const connections: string[] = [];

  const clientFor = (logUrl: string) => new CtClient({ ca: { logUrl } } as SignetConfig);

  beforeAll(async () => {
    server = createServer((req, res) => {
      connections.push(`${req.socket.remotePort}`);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => handler(req, Buffer.concat(chunks).toString(), res));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = clientFor(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    client.onModuleDestroy();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    connections.length = 0;
  });

  it('posts the chain as base64 JSON and returns the SCT, over one kept-alive connection', async () => {
    const seen: unknown[] = [];
    handler = (req, body, res) => {
      seen.push([req.method, req.url, req.headers['content-type'], JSON.parse(body)]);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(SCT));
    };
    for (let i = 0; i < 2; i++) {
      const sct = await client.addPreChain([Uint8Array.of(1, 2, 3), Uint8Array.of(4)]);
      expect(sct).toEqual({
        version: 0,
        logId: Buffer.alloc(32, 7),
        timestamp: 1_700_000_000_000n,
        extensions: Buffer.alloc(0),
        hashAlgorithm: 4,
        signatureAlgorithm: 3,
        signature: Buffer.from('3000', 'hex'),
      });
    }
    expect(seen).toEqual(
      Array(2).fill([
        'POST',
        '/ct/v1/add-pre-chain',
        'application/json',
        { chain: ['AQID', 'BA=='] },
      ]),
    );
    expect(new Set(connections).size).toBe(1);
  });

  it('reports a refusal with the status and the log message', async () => {
    handler = (_req, _body, res) =>
      res.writeHead(400).end(JSON.stringify({ message: 'chain does not end in a trusted root' }));
    await expect(client.addPreChain([Uint8Array.of(1)])).rejects.toThrow(
      caError(
        'UNAVAILABLE',
        'the certificate transparency log refused the precertificate (HTTP 400: chain does not end in a trusted root); no certificate was issued',
      ),
    );
    handler = (_req, _body, res) => res.writeHead(502).end('<html>bad gateway</html>');
    await expect(client.addPreChain([Uint8Array.of(1)])).rejects.toThrow(
      caError(
        'UNAVAILABLE',
        'the certificate transparency log refused the precertificate (HTTP 502); no certificate was issued',
      ),
    );
  });

  it('refuses a malformed SCT', async () => {
    handler = (_req, _body, res) => res.writeHead(200).end(JSON.stringify({ ...SCT, id: 'AA==' }));
    await expect(client.addPreChain([Uint8Array.of(1)])).rejects.toThrow(
      caError(
        'UNAVAILABLE',
        'the certificate transparency log answered with a malformed SCT signature; no certificate was issued',
      ),
    );
  });

  it('gives up on an answer far larger than an SCT, saying why in the log only', async () => {
    handler = (_req, _body, res) => res.writeHead(200).end(Buffer.alloc(200_000, 0x20));
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(client.addPreChain([Uint8Array.of(1)])).rejects.toThrow(
      caError(
        'UNAVAILABLE',
        'the certificate transparency log could not be reached; no certificate was issued',
      ),
    );
    expect(errors).toHaveBeenCalledWith(
      expect.stringMatching(/could not be reached: response larger than 65536 bytes$/),
    );
    errors.mockRestore();
  });

  it('reports a log it cannot reach without its address or the socket error (L6)', async () => {
    const closed = clientFor('http://127.0.0.1:9');
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await expect(closed.addPreChain([Uint8Array.of(1)])).rejects.toThrow(
      caError(
        'UNAVAILABLE',
        'the certificate transparency log could not be reached; no certificate was issued',
      ),
    );
    // The operator's log has both.
    expect(errors).toHaveBeenCalledWith(
      expect.stringMatching(
        /^the certificate transparency log at http:\/\/127\.0\.0\.1:9\/ct\/v1\/add-pre-chain could not be reached: .+/,
      ),
    );
    errors.mockRestore();
    closed.onModuleDestroy();
  });
});
