/* The WWW-Authenticate header of a 401 (RFC 9110 §11.6.1): one or more challenges, each a scheme
   and auth-params. Registries send `Basic realm="…"` or `Bearer realm="…",service="…",scope="…"`
   (distribution `registry/auth/token/accesscontroller.go`). */

/** One challenge: the scheme in lowercase and its parameters (names in lowercase). */
export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/**
 * Parses every challenge of a WWW-Authenticate value. Unparseable parts end the parse: what was
 * read before them is returned (a registry that answers garbage gets no credentials sent on).
 */
export function parseWwwAuthenticate(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header;
  const skip = (re: RegExp) => (rest = rest.replace(re, ''));
  skip(/^[\s,]+/);
  while (rest !== '') {
    const scheme = TOKEN.exec(rest)?.[0];
    if (scheme === undefined) break;
    rest = rest.slice(scheme.length);
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(/^\s+/);
    // auth-params: name = (token | quoted-string), separated by commas; a token without `=` after
    // it starts the next challenge.
    for (;;) {
      const param = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*/.exec(rest);
      if (param === null) break;
      rest = rest.slice(param[0].length);
      let value: string;
      if (rest.startsWith('"')) {
        const quoted = /^"((?:[^"\\]|\\.)*)"/.exec(rest);
        if (quoted === null) return challenges;
        value = quoted[1]!.replace(/\\(.)/g, '$1');
        rest = rest.slice(quoted[0].length);
      } else {
        value = TOKEN.exec(rest)?.[0] ?? '';
        rest = rest.slice(value.length);
      }
      challenge.params[param[1]!.toLowerCase()] = value;
      skip(/^\s*,\s*/);
    }
    skip(/^[\s,]+/);
  }
  return challenges;
}
