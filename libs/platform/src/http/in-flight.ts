import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Express middleware that lets each client address have at most `limit` POST requests in flight:
 * past it, 429 with `Retry-After: 1` and Rekor's error shape, before the body is read or any
 * work done, so that one client cannot fill the process with expensive submissions (H1, L8).
 * A request stops counting when its response finishes or its connection closes. Behind a proxy
 * every client shares the proxy's address: limit per client at the proxy, or raise the limit.
 */
export function postsInFlightLimit(
  limit: number,
): (req: IncomingMessage, res: ServerResponse, next: () => void) => void {
  const inFlight = new Map<string, number>();
  return (req, res, next) => {
    if (req.method !== 'POST') return next();
    const client = req.socket.remoteAddress ?? 'unknown';
    const count = inFlight.get(client) ?? 0;
    if (count >= limit) {
      res.statusCode = 429;
      res.setHeader('Retry-After', '1');
      res.setHeader('Content-Type', 'application/json');
      res.end(
        JSON.stringify({
          code: 429,
          message: `too many requests in flight from this client (at most ${limit} POSTs at a time); retry after 1 second`,
        }),
      );
      return;
    }
    inFlight.set(client, count + 1);
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      const left = (inFlight.get(client) ?? 1) - 1;
      if (left === 0) inFlight.delete(client);
      else inFlight.set(client, left);
    };
    res.once('finish', release);
    res.once('close', release);
    next();
  };
}
