// Throughput of the log's signing paths (checkpoints, SETs) against the machine's bound: raw
// P-256 sign/verify in Node's crypto. Run: npx swc libs bench -d dist --quiet && node dist/bench/signing.js
import { createHash, generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  encryptPrivateKeyPem,
  FileSigner,
  fingerprintOf,
  noteVerifierOf,
  openCheckpoint,
  signCheckpoint,
  signEntryTimestamp,
  verifyEntryTimestamp,
  verifyPrehashedEcdsa,
  type Checkpoint,
  type EntryTimestampPayload,
} from '@app/signing';

/** One figure: `id` is stable across runs so results can be compared. */
export interface BenchResult {
  id: string;
  unit: string;
  value: number;
}

/** A named operation to time; add cases here (e.g. X.509 leaf issuance) to extend the bench. */
export interface BenchCase {
  id: string;
  run: () => unknown;
}

/**
 * Runs `run` repeatedly, awaiting each call, for at least `durationMs` after a short warm-up.
 *
 * @returns operations per second.
 */
export async function measureOpsPerSecond(run: () => unknown, durationMs: number): Promise<number> {
  for (let i = 0; i < 20; i++) await run();
  let ops = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(durationMs) * 1_000_000n;
  let now = start;
  while (now < deadline) {
    // Batches keep the clock reads out of the measurement.
    for (let i = 0; i < 16; i++) await run();
    ops += 16;
    now = process.hrtime.bigint();
  }
  return ops / (Number(now - start) / 1e9);
}

async function signingCases(): Promise<BenchCase[]> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer = FileSigner.fromPem(encryptPrivateKeyPem(privateKey, 'bench'), 'bench');
  const name = 'log.example.com';
  const checkpoint: Checkpoint = {
    origin: `${name} - 1193050959916656506`,
    treeSize: 21_428_036n,
    rootHash: Buffer.alloc(32, 0xab),
  };
  const note = await signCheckpoint(signer, name, checkpoint);
  const verifiers = [noteVerifierOf(publicKey, name)];
  const payload: EntryTimestampPayload = {
    body: Buffer.alloc(600, 0x61).toString('base64'),
    integratedTime: 1_767_225_600n,
    logID: fingerprintOf(publicKey),
    logIndex: 100_005n,
  };
  const set = await signEntryTimestamp(signer, payload);
  const message = Buffer.alloc(100, 0x62);
  const signature = sign('sha256', message, privateKey);
  const digest = createHash('sha256').update(message).digest();
  return [
    { id: 'checkpoint_sign_per_s', run: () => signCheckpoint(signer, name, checkpoint) },
    {
      id: 'checkpoint_verify_per_s',
      run: () => openCheckpoint(note, verifiers, checkpoint.origin),
    },
    { id: 'set_sign_per_s', run: () => signEntryTimestamp(signer, payload) },
    { id: 'set_verify_per_s', run: () => verifyEntryTimestamp(publicKey, payload, set) },
    { id: 'crypto_p256_sign_per_s', run: () => sign('sha256', message, privateKey) },
    { id: 'crypto_p256_verify_per_s', run: () => verify('sha256', message, publicKey, signature) },
    {
      id: 'ecdsa_p256_prehashed_verify_per_s',
      run: () => verifyPrehashedEcdsa(publicKey, digest, signature),
    },
  ];
}

/**
 * Measures checkpoint and SET signing/verification with a P-256 file key, and raw P-256
 * sign/verify as the machine's bound. `quick` shortens each measurement for smoke runs.
 *
 * @returns one ops/s figure per case.
 */
export async function runSigningBench(opts: { quick: boolean }): Promise<BenchResult[]> {
  const durationMs = opts.quick ? 200 : 2000;
  const results: BenchResult[] = [];
  for (const { id, run } of await signingCases()) {
    results.push({
      id,
      unit: 'ops/s',
      value: Math.round(await measureOpsPerSecond(run, durationMs)),
    });
  }
  return results;
}

if (require.main === module) {
  runSigningBench({ quick: process.argv.includes('--quick') })
    .then((results) => {
      for (const { id, unit, value } of results)
        console.log(`${id.padEnd(28)} ${String(value).padStart(8)} ${unit}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
