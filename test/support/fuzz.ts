/* Shared fuzzing with fast-check: how many runs and which seed (FUZZ_RUNS, FUZZ_SEED), mutations
   of valid inputs (bit flips, truncation, splicing, DER length corruption; JSON, base64 and PEM
   shapes), and the property every parser keeps: parse, or throw its own domain error, within a
   CPU-time budget. The default runs are few, so the unit suites stay fast; `npm run fuzz` runs
   many more. */
import fc from 'fast-check';

/** Runs per property: FUZZ_RUNS when set (the long mode), else `fallback`. */
export function fuzzRuns(fallback = 150): number {
  const runs = Number(process.env.FUZZ_RUNS);
  return Number.isSafeInteger(runs) && runs > 0 ? runs : fallback;
}

/**
 * fast-check's parameters: `runs` (scaled by FUZZ_RUNS), FUZZ_SEED (and FUZZ_PATH, which
 * fast-check prints beside the seed of a failure) to replay one, and a failure message that says
 * how to replay it.
 */
export function fuzzParameters<T>(fallbackRuns?: number): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: fuzzRuns(fallbackRuns),
    ...(seed === undefined ? {} : { seed }),
    ...(path === undefined ? {} : { path }),
    // Shrinking re-runs the parser many times; a few hundred steps find a small case.
    endOnFailure: false,
    reporter: (details) => {
      if (!details.failed) return;
      throw new Error(
        `${fc.defaultReportMessage(details)}\n` +
          `error: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n` +
          `replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} ` +
          'node tools/test/jest.js <this spec>',
      );
    },
  };
}

/** Asserts `property` with {@link fuzzParameters}. */
export function fuzz<T>(property: fc.IProperty<T>, fallbackRuns?: number): void {
  fc.assert(property, fuzzParameters<T>(fallbackRuns));
}

/** Asserts the async `property` with {@link fuzzParameters}. */
export async function fuzzAsync<T>(
  property: fc.IAsyncProperty<T>,
  fallbackRuns?: number,
): Promise<void> {
  await fc.assert(property, fuzzParameters<T>(fallbackRuns));
}

/** What one input did: `parsed`, `refused` (the domain error), or the crash. */
export interface Outcome {
  outcome: string;
  /** CPU milliseconds of the fastest of up to three tries. */
  ms: number;
}

/** Default budget per input: far above a normal parse (< 1 ms), far below a super-linear path. */
export const BUDGET_MS = 100;

/**
 * Runs `parse(input)` and reports how it ended and its CPU time (not wall-clock: a machine busy
 * with other test processes must not fail an input that is cheap). An input over the budget is
 * timed twice more and the fastest counts: a garbage collection is not the input's cost, a slow
 * shape is slow every time.
 */
export function outcomeOf(
  parse: () => unknown,
  refused: (err: unknown) => boolean,
  budgetMs = BUDGET_MS,
): Outcome {
  let best = timeOnce(parse, refused);
  for (let retry = 0; retry < 2 && best.ms > budgetMs; retry++) {
    const again = timeOnce(parse, refused);
    if (again.ms < best.ms) best = again;
  }
  return best;
}

function timeOnce(parse: () => unknown, refused: (err: unknown) => boolean): Outcome {
  const start = process.cpuUsage();
  let outcome = 'parsed';
  try {
    parse();
  } catch (err) {
    outcome = describeError(err, refused);
  }
  return { outcome, ms: cpuMsSince(start) };
}

/** As {@link outcomeOf}, for an async parser (CPU time of this process while it ran). */
export async function outcomeOfAsync(
  parse: () => Promise<unknown>,
  refused: (err: unknown) => boolean,
  budgetMs = BUDGET_MS,
): Promise<Outcome> {
  let best: Outcome | undefined;
  for (let attempt = 0; attempt < 3 && (best === undefined || best.ms > budgetMs); attempt++) {
    const start = process.cpuUsage();
    let outcome = 'parsed';
    try {
      await parse();
    } catch (err) {
      outcome = describeError(err, refused);
    }
    const ms = cpuMsSince(start);
    if (best === undefined || ms < best.ms) best = { outcome, ms };
  }
  return best!;
}

function describeError(err: unknown, refused: (err: unknown) => boolean): string {
  if (refused(err)) return 'refused';
  const e = err as Error;
  return `threw ${e?.name}: ${e?.message}\n${e?.stack ?? ''}`;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Throws (so fast-check records the case) unless the outcome is `parsed` or `refused` within
 * `budgetMs`.
 */
export function expectContract({ outcome, ms }: Outcome, budgetMs = BUDGET_MS): void {
  if (outcome !== 'parsed' && outcome !== 'refused') throw new Error(outcome);
  if (ms > budgetMs) throw new Error(`${outcome} in ${ms.toFixed(1)} ms, over ${budgetMs} ms`);
}

/** `parse(input)` keeps the contract: parses or throws a `refused` error, within the budget. */
export function keepsContract(
  parse: () => unknown,
  refused: (err: unknown) => boolean,
  budgetMs = BUDGET_MS,
): void {
  expectContract(outcomeOf(parse, refused, budgetMs), budgetMs);
}

/** As {@link keepsContract}, for an async parser. */
export async function keepsContractAsync(
  parse: () => Promise<unknown>,
  refused: (err: unknown) => boolean,
  budgetMs = BUDGET_MS,
): Promise<void> {
  expectContract(await outcomeOfAsync(parse, refused, budgetMs), budgetMs);
}

/** A predicate for "an instance of `type` with one of `codes`" (any code when none given). */
export function domainError(
  type: abstract new (...args: never[]) => Error,
  ...codes: string[]
): (err: unknown) => boolean {
  return (err) =>
    err instanceof type &&
    (codes.length === 0 || codes.includes((err as Error & { code?: string }).code ?? ''));
}

// ---- Mutations of valid inputs -------------------------------------------------------------

// Without fast-check's bias towards small values: a mutation must land anywhere in the input.
const byte = fc.noBias(fc.integer({ min: 0, max: 255 }));
/** A position as a fraction in [0, 1), so one arbitrary fits inputs of any length. */
const at = fc.noBias(fc.nat(0xffffffff)).map((n) => n / 2 ** 32);
const pos = (fraction: number, length: number) => Math.floor(fraction * length);

/** Length octets a hostile DER writer sends: long forms, indefinite, huge, and off-by-one. */
const DER_LENGTHS = [0x00, 0x01, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x88, 0x89, 0xff];

/**
 * Mutants of `valids` (one picked per case): bit flips, random bytes, truncation, insertion,
 * deletion, duplication, splicing two valid inputs, and DER length-field corruption (a byte
 * after a tag set to a long, indefinite or huge length form).
 */
export function mutatedBytes(...valids: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const valid = fc.constantFrom(...valids);
  const buf = (b: Uint8Array) => Buffer.from(b);
  const mutations: fc.Arbitrary<Uint8Array>[] = [
    fc
      .tuple(
        valid,
        fc.array(fc.tuple(at, fc.integer({ min: 0, max: 7 })), { minLength: 1, maxLength: 8 }),
      )
      .map(([v, flips]) => {
        const out = buf(v);
        for (const [f, bit] of flips) if (out.length) out[pos(f, out.length)]! ^= 1 << bit;
        return out;
      }),
    fc
      .tuple(valid, fc.array(fc.tuple(at, byte), { minLength: 1, maxLength: 8 }))
      .map(([v, sets]) => {
        const out = buf(v);
        for (const [f, b] of sets) if (out.length) out[pos(f, out.length)] = b;
        return out;
      }),
    fc.tuple(valid, at).map(([v, f]) => buf(v).subarray(0, pos(f, v.length))),
    fc.tuple(valid, at, fc.uint8Array({ minLength: 1, maxLength: 64 })).map(([v, f, ins]) => {
      const p = pos(f, v.length);
      return Buffer.concat([v.subarray(0, p), ins, v.subarray(p)]);
    }),
    fc.tuple(valid, at, at).map(([v, f, g]) => {
      const [a, b] = [pos(f, v.length), pos(g, v.length)].sort((x, y) => x - y);
      return Buffer.concat([v.subarray(0, a), v.subarray(b)]);
    }),
    fc.tuple(valid, at, at).map(([v, f, g]) => {
      const [a, b] = [pos(f, v.length), pos(g, v.length)].sort((x, y) => x - y);
      return Buffer.concat([v.subarray(0, b), v.subarray(a, b), v.subarray(b)]);
    }),
    fc
      .tuple(valid, valid, at, at)
      .map(([v, w, f, g]) =>
        Buffer.concat([v.subarray(0, pos(f, v.length)), w.subarray(pos(g, w.length))]),
      ),
    fc.tuple(valid, at, fc.constantFrom(...DER_LENGTHS)).map(([v, f, length]) => {
      const out = buf(v);
      // Byte 1 of a TLV is its length; aim at a position after a constructed or common tag.
      const tags = [...out.keys()].filter(
        (i) =>
          i + 1 < out.length && [0x30, 0x31, 0x02, 0x03, 0x04, 0x06, 0xa0, 0xa3].includes(out[i]!),
      );
      if (tags.length) out[tags[pos(f, tags.length)]! + 1] = length;
      return out;
    }),
  ];
  return fc.oneof(...mutations);
}

/** Mutants of UTF-8 texts (byte mutations decoded leniently, so some carry U+FFFD). */
export function mutatedText(...valids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    mutatedBytes(...valids.map((v) => Buffer.from(v))).map((b) => Buffer.from(b).toString('utf8')),
    fc
      .tuple(fc.constantFrom(...valids), at, fc.string({ unit: 'binary', maxLength: 16 }))
      .map(([v, f, s]) => v.slice(0, pos(f, v.length)) + s + v.slice(pos(f, v.length))),
  );
}

/** Mutants of base64 text: of the bytes it encodes, and of the text (alphabet, padding, spaces). */
export function mutatedBase64(...valids: Uint8Array[]): fc.Arbitrary<string> {
  const texts = valids.map((v) => Buffer.from(v).toString('base64'));
  return fc.oneof(
    mutatedBytes(...valids).map((b) => Buffer.from(b).toString('base64')),
    mutatedText(...texts),
    fc.constantFrom(...texts).map((t) => t.replaceAll('+', '-').replaceAll('/', '_')),
    fc.constantFrom(...texts).map((t) => t.replace(/=+$/, '')),
    fc.constantFrom(...texts).map((t) => `${t}=`),
  );
}

/** Mutants of a PEM `label` block around `ders`: of the DER, of the text, and of the armour. */
export function mutatedPem(label: string, ...ders: Uint8Array[]): fc.Arbitrary<string> {
  const pem = (der: Uint8Array, l = label) =>
    `-----BEGIN ${l}-----\n${(
      Buffer.from(der)
        .toString('base64')
        .match(/.{1,64}/g) ?? []
    ).join('\n')}\n-----END ${l}-----\n`;
  const texts = ders.map((d) => pem(d));
  return fc.oneof(
    mutatedBytes(...ders).map((d) => pem(d)),
    mutatedText(...texts),
    fc
      .tuple(
        fc.constantFrom(...ders),
        fc.constantFrom('PUBLIC KEY', 'CERTIFICATE', 'CERTIFICATE REQUEST', 'X', ''),
      )
      .map(([d, l]) => pem(d, l)),
    fc.constantFrom(...texts).map((t) => t.replace(/-----END [^-]*-----\n$/, '')),
    fc.constantFrom(...texts).map((t) => t + t),
  );
}

/** Keys that reach prototype properties when a parser looks names up in a plain object. */
export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'prototype',
];

/** Strings a hostile client sends in place of a name or value. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      ...PROTOTYPE_NAMES,
      '',
      ' ',
      '\u0000',
      '%00',
      '../..',
      '\ud800',
      'NaN',
      '-1',
      '1e309',
    ),
    weight: 3,
  },
  fc.string({ unit: 'binary', maxLength: 32 }),
  fc.integer({ min: 0, max: 4 }).map((n) => 'A'.repeat(10 ** n)),
);

/** Any JSON value, hostile strings and prototype names included. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.oneof(fc.integer(), fc.double(), fc.constantFrom(2 ** 53, -0, 1e308)),
    hostileString,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.string({ maxLength: 8 })), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/**
 * Structural mutants of a JSON `valid` document: a node replaced by any value or removed, a key
 * added (prototype names included), a string leaf mutated as text or as base64, or the whole
 * serialisation mutated as text (then parsed when still JSON, else kept as the string).
 */
export function mutatedJson(...valids: unknown[]): fc.Arbitrary<unknown> {
  const valid = fc.constantFrom(...valids);
  return fc.oneof(
    fc.tuple(valid, at, anyJson).map(([v, f, value]) => replaceNode(v, f, () => value)),
    fc.tuple(valid, at).map(([v, f]) => replaceNode(v, f, () => REMOVE)),
    fc
      .tuple(valid, at, fc.constantFrom(...PROTOTYPE_NAMES, 'extra'), anyJson)
      .map(([v, f, key, value]) =>
        replaceNode(v, f, (node) => (isObject(node) ? withOwn(node, key, value) : node)),
      ),
    fc
      .tuple(valid, at, fc.string({ unit: 'binary', maxLength: 8 }), at)
      .map(([v, f, s, g]) =>
        replaceNode(v, f, (node) =>
          typeof node === 'string'
            ? node.slice(0, pos(g, node.length)) + s + node.slice(pos(g, node.length))
            : node,
        ),
      ),
    fc.tuple(valid, at, fc.integer({ min: 0, max: 7 }), at).map(([v, f, bit, g]) =>
      replaceNode(v, f, (node) => {
        if (typeof node !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(node)) return node;
        const bytes = Buffer.from(node, 'base64');
        if (bytes.length) bytes[pos(g, bytes.length)]! ^= 1 << bit;
        return bytes.toString('base64');
      }),
    ),
    mutatedText(...valids.map((v) => JSON.stringify(v))).map((text) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        return text;
      }
    }),
  );
}

const REMOVE = Symbol('remove');
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A deep copy of `doc` with node number `fraction × count` (pre-order) replaced by `make(node)`. */
function replaceNode(doc: unknown, fraction: number, make: (node: unknown) => unknown): unknown {
  const count = countNodes(doc);
  let target = pos(fraction, count);
  const walk = (node: unknown): unknown => {
    if (target-- === 0) return make(node);
    if (Array.isArray(node)) return node.map(walk).filter((n) => n !== REMOVE);
    if (isObject(node)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) {
        const next = walk(v);
        if (next !== REMOVE) withOwn(out, k, next, out);
      }
      return out;
    }
    return node;
  };
  const result = walk(doc);
  return result === REMOVE ? undefined : result;
}

/** `node` (or a copy of it) with the own property `key` (even `__proto__`, as JSON.parse makes). */
function withOwn(
  node: Record<string, unknown>,
  key: string,
  value: unknown,
  into: Record<string, unknown> = { ...node },
): Record<string, unknown> {
  Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  return into;
}

function countNodes(node: unknown): number {
  if (Array.isArray(node)) return 1 + node.reduce((n: number, c) => n + countNodes(c), 0);
  if (isObject(node)) return 1 + Object.values(node).reduce((n: number, c) => n + countNodes(c), 0);
  return 1;
}
