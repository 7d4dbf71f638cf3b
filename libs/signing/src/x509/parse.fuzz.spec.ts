import { SigningError } from '../errors';
import { DerTag, encodeElement } from './der';
import { buildLeaf } from './leaf';
import { MAX_CERTIFICATE_BYTES, parseCertificate } from './parse';
import { testLeafRequest, testPki } from './testing';
import { seededRandom } from '@app/testing/seeded-random';

/**
 * M1: `parseCertificate` sees untrusted DER before any signature or trust check (CT add-chain,
 * every entry kind, search). Whatever the bytes, it must answer within a small time budget, and
 * either parse or throw `INVALID_CERTIFICATE`: any other exception is a 500, any slow shape a
 * denial of service. The budget is an order of magnitude above a normal parse (~0.1 ms) and far
 * below what a super-linear path costs at 16 KiB; the seed makes failures reproducible.
 */
const BUDGET_MS = 100;

/**
 * Parses `der` and reports how long it took and whether it ended as the contract says. A parse
 * over the budget is timed up to four times more and the fastest counts: a pause of the process (garbage
 * collection, another test file on the same core) is not the input's cost, a slow shape is slow
 * every time.
 */
function attempt(der: Uint8Array): { ms: number; outcome: string } {
  let result = timeOnce(der);
  for (let retry = 0; retry < 4 && result.ms > BUDGET_MS; retry++) {
    const again = timeOnce(der);
    if (again.ms < result.ms) result = again;
  }
  return result;
}

/**
 * CPU time, not wall-clock: what the input costs this process, whatever else the machine runs (a
 * wall-clock budget failed on a 2-core machine busy with other test processes).
 */
function timeOnce(der: Uint8Array): { ms: number; outcome: string } {
  const start = process.cpuUsage();
  let outcome = 'parsed';
  try {
    parseCertificate(der);
  } catch (err) {
    outcome =
      err instanceof SigningError && err.code === 'INVALID_CERTIFICATE'
        ? 'refused'
        : `threw ${(err as Error).name}: ${(err as Error).message}`;
  }
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, outcome };
}

/** Wraps `tbs` as a Certificate with an empty algorithm and signature (refused, after parsing). */
const certificateOf = (tbs: Uint8Array) =>
  encodeElement(
    DerTag.sequence,
    tbs,
    encodeElement(DerTag.sequence),
    encodeElement(0x03, Uint8Array.of(0)),
  );

/** A TBS with the fields' minimum shapes and `extensions` (DER-encoded Extension elements). */
const tbsWith = (extensions: Uint8Array[]) =>
  encodeElement(
    DerTag.sequence,
    encodeElement(0xa0, encodeElement(0x02, Uint8Array.of(2))),
    encodeElement(0x02, Uint8Array.of(1)),
    ...Array.from({ length: 5 }, () => encodeElement(DerTag.sequence)),
    encodeElement(0xa3, encodeElement(DerTag.sequence, ...extensions)),
  );

const extension = (oid: Uint8Array, value: Uint8Array) =>
  encodeElement(DerTag.sequence, encodeElement(DerTag.oid, oid), encodeElement(0x04, value));

describe('parseCertificate on hostile DER (M1)', () => {
  let seed: Uint8Array;

  beforeAll(async () => {
    const pki = await testPki();
    seed = await buildLeaf(testLeafRequest(pki, new Date())).certificate();
  });

  it('answers every mutation of a real leaf within the budget, parsing or refusing it', () => {
    const random = seededRandom(20261202);
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const der = Uint8Array.from(seed);
      const kind = i % 4;
      let mutated: Uint8Array = der;
      if (kind === 0) {
        for (let n = 1 + Math.floor(random() * 8); n > 0; n--) {
          der[Math.floor(random() * der.length)] = Math.floor(random() * 256);
        }
      } else if (kind === 1) {
        mutated = der.subarray(0, Math.floor(random() * der.length));
      } else if (kind === 2) {
        // A length octet made long-form or huge: the reader must not trust it.
        const at = Math.floor(random() * der.length);
        der[at] = [0x80, 0x84, 0xff, 0x7f][Math.floor(random() * 4)]!;
      } else {
        const at = Math.floor(random() * der.length);
        const insert = Uint8Array.from({ length: 1 + Math.floor(random() * 64) }, () =>
          Math.floor(random() * 256),
        );
        mutated = Buffer.concat([der.subarray(0, at), insert, der.subarray(at)]);
      }
      const { ms, outcome } = attempt(mutated);
      if (ms > BUDGET_MS || (outcome !== 'parsed' && outcome !== 'refused')) {
        failures.push(`case ${i}: ${outcome} in ${ms.toFixed(1)} ms`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers the worst shapes that fit in the size cap within the budget', () => {
    const fill = (room: number, one: Uint8Array) =>
      Array.from({ length: Math.floor(room / one.length) }, () => one);
    const shapes: Record<string, Uint8Array> = {
      // As many (distinct-looking) tiny extensions as fit: the duplicate check must stay linear.
      'thousands of extensions': certificateOf(
        tbsWith(
          Array.from({ length: 1500 }, (_, i) =>
            extension(Uint8Array.of(0x2b, 0x81, (i >> 7) & 0x7f, i & 0x7f), new Uint8Array(0)),
          ),
        ),
      ),
      // One extension whose value nests SEQUENCEs as deep as the bytes allow.
      'deep nesting': certificateOf(
        tbsWith([
          extension(
            Uint8Array.of(0x55, 0x1d, 0x13),
            fill(14_000, Uint8Array.of(0x30, 0x80)).reduce(
              (acc, open) => Buffer.concat([open, acc]),
              new Uint8Array(0),
            ),
          ),
        ]),
      ),
      // The review's reproduction, cut to the cap: one OID of ~16 KB of 0xff arcs.
      'a 16 KB OID': certificateOf(
        tbsWith([
          extension(
            Uint8Array.from({ length: 16_000 }, (_, i) => (i === 0 ? 0x2b : 0xff)),
            new Uint8Array(0),
          ),
        ]),
      ),
    };
    for (const [name, der] of Object.entries(shapes)) {
      expect(der.length).toBeLessThanOrEqual(MAX_CERTIFICATE_BYTES);
      const { ms, outcome } = attempt(der);
      expect({ name, outcome, inBudget: ms <= BUDGET_MS }).toEqual({
        name,
        outcome: 'refused',
        inBudget: true,
      });
    }
  });

  it('refuses a certificate over the size cap before reading it', () => {
    const big = certificateOf(
      tbsWith([extension(Uint8Array.of(0x55, 0x1d, 0x0e), new Uint8Array(20_000))]),
    );
    expect(() => parseCertificate(big)).toThrow(
      new SigningError(
        'INVALID_CERTIFICATE',
        `certificate of ${big.length} bytes is larger than ${MAX_CERTIFICATE_BYTES}`,
      ),
    );
  });
});
