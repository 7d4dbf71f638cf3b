/**
 * The console's Content-Security-Policy: scripts, styles and images from the CA itself only (no
 * inline code, no CDN), forms that post only back to it, never framed. The pages are written to
 * need nothing more (no inline script or style attributes; the render tests check it).
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/** Headers on every console response (pages, redirects, errors and assets alike). */
export const CONSOLE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONSOLE_CSP,
  // Pages hold CSRF tokens, a token secret shown once, audit data: never kept by a cache.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

interface HeaderTarget {
  setHeader(name: string, value: string): unknown;
}

/** Express middleware setting {@link CONSOLE_HEADERS}; later handlers may relax Cache-Control (assets). */
export function consoleHeaders(_req: unknown, res: HeaderTarget, next: () => void): void {
  for (const [name, value] of Object.entries(CONSOLE_HEADERS)) res.setHeader(name, value);
  next();
}
