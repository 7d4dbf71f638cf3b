/** The request headers the cross-origin check reads (lowercase names, as Node gives them). */
export interface OriginCheckRequest {
  readonly method: string;
  readonly host: string | undefined;
  readonly origin: string | undefined;
  readonly secFetchSite: string | undefined;
}

/**
 * Go 1.25's `http.CrossOriginProtection.Check` (golang/go#73626): undefined when the request may
 * go on, else why not. Safe methods pass; `Sec-Fetch-Site` (every browser since 2023) decides
 * when present (`same-origin` or `none` pass); without it, no `Origin` means no browser and
 * passes, and an `Origin` must match `Host` or be one of `trustedOrigins` (the public URL's, for
 * a proxy that rewrites `Host`).
 */
export function crossOriginProblem(
  req: OriginCheckRequest,
  trustedOrigins: ReadonlySet<string>,
): string | undefined {
  switch (req.method.toUpperCase()) {
    case 'GET':
    case 'HEAD':
    case 'OPTIONS':
      return undefined;
  }
  const trusted = req.origin !== undefined && trustedOrigins.has(req.origin);
  if (req.secFetchSite !== undefined && req.secFetchSite !== '') {
    if (req.secFetchSite === 'same-origin' || req.secFetchSite === 'none' || trusted) {
      return undefined;
    }
    return `cross-origin request refused (Sec-Fetch-Site: ${req.secFetchSite})`;
  }
  if (req.origin === undefined || req.origin === '') return undefined;
  if (URL.canParse(req.origin) && new URL(req.origin).host === req.host) return undefined;
  if (trusted) return undefined;
  return 'cross-origin request refused (Origin does not match Host)';
}
