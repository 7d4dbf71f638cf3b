import type * as Jose from 'jose' with { 'resolution-mode': 'import' };

/**
 * The `jose` v6 module. jose is ESM-only; this project compiles to CommonJS with
 * `module: node16`, where TypeScript refuses a static `import` of an ES module (TS1479), and
 * Jest 29 runs CommonJS through its own loader, which cannot load ES modules from node_modules.
 * Node >= 20.19 itself can `require()` an ES module without top-level await, so we ask Node's own
 * loader for it (`process.getBuiltinModule` bypasses Jest's module registry). Types still come
 * from jose. Errors thrown by jose may come from another realm under Jest: compare their `code`,
 * never `instanceof`.
 */
export const jose: typeof Jose = loadJose();

function loadJose(): typeof Jose {
  const { createRequire } = process.getBuiltinModule('node:module');
  return createRequire(__filename)('jose') as typeof Jose;
}

/** jose types used by the identity layer. */
export type { JWTPayload, JWTVerifyGetKey, ProtectedHeaderParameters } from 'jose' with {
  'resolution-mode': 'import',
};
