/** Thrown, through the body stream, by a response of {@link boundedFetch} past its limit. */
export class ResponseTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`larger than ${maxBytes} bytes`);
    this.name = 'ResponseTooLarge';
  }
}

/**
 * `fetchImpl` whose response bodies error with {@link ResponseTooLarge} once more than `maxBytes`
 * have arrived, and stop being read (the source is cancelled): `text()`/`json()`, jose's
 * included, then reject instead of buffering whatever an issuer streams within the timeout.
 */
export function boundedFetch(fetchImpl: typeof fetch, maxBytes: number): typeof fetch {
  return async (input, init) => {
    const response = await fetchImpl(input, init);
    if (response.body === null) return response;
    let seen = 0;
    const limited = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          seen += chunk.byteLength;
          if (seen > maxBytes) controller.error(new ResponseTooLarge(maxBytes));
          else controller.enqueue(chunk);
        },
      }),
    );
    return new Response(limited, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/** Whether `error`, or an error in its `cause` chain, is a {@link ResponseTooLarge}. */
export function isTooLarge(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause)
    if (e instanceof ResponseTooLarge) return true;
  return false;
}
