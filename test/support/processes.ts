/* Child processes for the end-to-end tests: the built entry points (shared with `npm run demo`)
   and polling their HTTP endpoints. */
import type { Spawned } from '@app/devkit/built-processes';

export * from '@app/devkit/built-processes';

/** Polls `url` until it answers with `status`, or throws after `timeoutMs`. */
export async function waitFor(
  url: string,
  status: number,
  timeoutMs: number,
  spawned?: Spawned,
): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === status) return res;
    if (Date.now() > deadline)
      throw new Error(
        `${url} did not answer ${status} in ${timeoutMs} ms\n${spawned?.output() ?? ''}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
