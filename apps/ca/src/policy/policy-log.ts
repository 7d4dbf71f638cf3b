import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { SIGNET_CONFIG, type SignetConfig } from '@app/platform';
import {
  fingerprintOf,
  POLICY_STATEMENT_PAYLOAD_TYPE,
  preAuthEncoding,
  type Signer,
  toBase64,
  verifyEntryTimestamp,
  verifySignature,
} from '@app/signing';
import { LogTrees } from '../trust/log-trees';
import { PolicyError } from './policy.error';

/** Injection token of the policy key's {@link Signer}. */
export const POLICY_KEY = Symbol('POLICY_KEY');
/** Injection token of the retired policy keys (CA_POLICY_RETIRED_KEYS), as public keys. */
export const POLICY_RETIRED_KEYS = Symbol('POLICY_RETIRED_KEYS');

/** Where a policy version's statement was logged. */
export interface PolicyLogEntry {
  readonly uuid: string;
  readonly logIndex: bigint;
  readonly integratedTime: bigint;
}

const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * Signs policy statements with the policy key and commits them to the instance's transparency
 * log as Rekor v1 `dsse` entries (the key must be in the log's `log.allowedPublicKeys`). The log's
 * answer is checked: its signed entry timestamp against a trusted artifact-log key, and the entry
 * against the statement sent. Any failure is LOG_UNAVAILABLE, so the change it was for fails.
 */
@Injectable()
export class PolicyLog {
  private readonly logger = new Logger(PolicyLog.name);
  private readonly url: string;
  readonly enabled: boolean;

  constructor(
    @Inject(POLICY_KEY) private readonly key: Signer,
    @Inject(POLICY_RETIRED_KEYS) private readonly retired: readonly KeyObject[],
    private readonly trees: LogTrees,
    @Inject(SIGNET_CONFIG) config: SignetConfig,
  ) {
    this.url = `${config.ca.logUrl}/api/v1/log/entries`;
    this.enabled = config.ca.policyLog;
  }

  /** The policy key's public key, PEM (`GET /api/admin/v1/policy/key`). */
  publicKeyPem(): string {
    return this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /** The DSSE signature of `statement` by the policy key. */
  sign(statement: Uint8Array): Promise<Uint8Array> {
    return this.key.sign(preAuthEncoding(POLICY_STATEMENT_PAYLOAD_TYPE, statement));
  }

  /**
   * Whether `signature` is a DSSE signature of `statement` by the policy key, or by one of the
   * retired ones (versions signed before a rotation stay usable).
   */
  verify(statement: Uint8Array, signature: Uint8Array): boolean {
    const pae = preAuthEncoding(POLICY_STATEMENT_PAYLOAD_TYPE, statement);
    return [this.key.publicKey, ...this.retired].some((key) =>
      verifySignature(key, pae, signature, 'sha256'),
    );
  }

  /**
   * Logs the signed `statement`; undefined when policy logging is off (CA_POLICY_LOG=false).
   *
   * @throws PolicyError `LOG_UNAVAILABLE` when the log cannot be reached, refuses the entry or
   *   answers with anything that does not prove it took this statement.
   */
  async commit(statement: Uint8Array, signature: Uint8Array): Promise<PolicyLogEntry | undefined> {
    if (!this.enabled) return undefined;
    const envelope = JSON.stringify({
      payloadType: POLICY_STATEMENT_PAYLOAD_TYPE,
      payload: toBase64(statement),
      signatures: [{ keyid: '', sig: toBase64(signature) }],
    });
    const request = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        proposedContent: {
          envelope,
          verifiers: [Buffer.from(this.publicKeyPem()).toString('base64')],
        },
      },
    };
    let status: number;
    let text: string;
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(request),
        signal: AbortSignal.timeout(TIMEOUT_MS),
        redirect: 'error',
      });
      status = response.status;
      text = await response.text();
      if (text.length > MAX_RESPONSE_BYTES) throw new Error('response too large');
    } catch (err) {
      this.logger.error(`the log at ${this.url} could not be reached: ${(err as Error).message}`);
      throw unavailable('could not be reached');
    }
    if (status !== 201) {
      const message = messageOf(text);
      this.logger.error(`the log refused a policy statement: HTTP ${status} ${message}`);
      throw unavailable(`refused the statement (HTTP ${status}${message ? `: ${message}` : ''})`);
    }
    return this.checkAnswer(text, statement);
  }

  private async checkAnswer(text: string, statement: Uint8Array): Promise<PolicyLogEntry> {
    const bad = (what: string): never => {
      this.logger.error(`the log's answer to a policy statement ${what}`);
      throw unavailable(`answered with ${what}`);
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return bad('no JSON');
    }
    const entries = Object.entries((parsed ?? {}) as Record<string, unknown>);
    if (entries.length !== 1) return bad('not exactly one entry');
    const [uuid, value] = entries[0]!;
    const entry = value as {
      body?: unknown;
      integratedTime?: unknown;
      logID?: unknown;
      logIndex?: unknown;
      verification?: { signedEntryTimestamp?: unknown };
    };
    if (
      typeof entry.body !== 'string' ||
      typeof entry.integratedTime !== 'number' ||
      typeof entry.logID !== 'string' ||
      typeof entry.logIndex !== 'number' ||
      typeof entry.verification?.signedEntryTimestamp !== 'string'
    ) {
      return bad('a malformed entry');
    }
    const body = JSON.parse(Buffer.from(entry.body, 'base64').toString('utf8')) as {
      kind?: unknown;
      spec?: { payloadHash?: { value?: unknown } };
    };
    const payloadHash = createHash('sha256').update(statement).digest('hex');
    if (body.kind !== 'dsse' || body.spec?.payloadHash?.value !== payloadHash) {
      return bad('an entry that is not this statement');
    }
    const keys = (await this.trees.all()).filter((t) => t.purpose === 'artifact');
    const key = keys
      .map((t) => createPublicKey({ key: t.publicKey, format: 'der', type: 'spki' }))
      .find((k) => fingerprintOf(k) === entry.logID);
    if (key === undefined) return bad(`a log ID ${entry.logID} that is no trusted log key`);
    try {
      verifyEntryTimestamp(
        key,
        {
          body: entry.body,
          integratedTime: entry.integratedTime,
          logID: entry.logID,
          logIndex: entry.logIndex,
        },
        Buffer.from(entry.verification.signedEntryTimestamp, 'base64'),
      );
    } catch {
      return bad('a signed entry timestamp that does not verify');
    }
    return {
      uuid,
      logIndex: BigInt(entry.logIndex),
      integratedTime: BigInt(entry.integratedTime),
    };
  }
}

function unavailable(what: string): PolicyError {
  return new PolicyError(
    'LOG_UNAVAILABLE',
    `the transparency log ${what}; the policy change was not made`,
  );
}

function messageOf(text: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    return typeof m === 'string' ? m.slice(0, 300) : '';
  } catch {
    return '';
  }
}
