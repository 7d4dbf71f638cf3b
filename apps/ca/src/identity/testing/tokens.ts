/** Test helper: the payload of a compact JWT, decoded without verification. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

/** Test helper: only the requests to `path` among those a local issuer served. */
export function requestsTo(requests: readonly string[], path: string): string[] {
  return requests.filter((request) => request === path);
}
