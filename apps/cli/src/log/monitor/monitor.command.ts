/* `signet log monitor`: follow the instance's logs from a state file, prove each new checkpoint
   consistent with the last verified one, and alert on what is watched. */
import { setTimeout as sleep } from 'node:timers/promises';
import { parsePublicKey } from '@app/signing';
import type { CliContext } from '../../cli/context';
import { usageError } from '../../cli/exit-codes';
import { readInput } from '../../cli/files';
import { baseUrl, parseCommand, parseCount, resolveInstance } from '../../cli/options';
import { loadTrustedRoot } from '../../trust/trusted-root';
import { logOptions } from '../log-trust';
import { Alerts, webhookUrl } from './alerts';
import { followedLog, LOG_NAMES, type LogName } from './followed-logs';
import {
  flagWatchlist,
  type MonitorFile,
  parseExpectedFile,
  parseMonitorFile,
  policyDigest,
} from './monitor-config';
import { loadState, saveState } from './monitor-state';
import { monitorStep, type StepOptions } from './monitor-step';
import { expectedStatements } from './policy-watch';
import { mergeWatchlists } from './watchlist';

export const logMonitorHelp = `signet log monitor: follow the logs, prove they only grow, alert on what is watched

Usage:
  signet log monitor --state FILE [--config monitor.yaml] [--once | --interval SECONDS]
                     [--log artifact|ct|rekor-v2 ...] [--from-start]
                     [--certificate-identity X | --certificate-identity-regexp R]
                     [--certificate-oidc-issuer Y | --certificate-oidc-issuer-regexp R]
                     [--digest sha256:HEX ...] [--fingerprint SHA256 ...]
                     [--policy-key KEY.pem [--expect-policy DIGEST ... | --expect-policy-file F]]
                     [--webhook URL] [--log-url URL] [--ca-url URL] [--trusted-root FILE]

Each pass, for each log (default: artifact and ct): fetch its checkpoint and check its
signature with the trusted root's keys; prove it consistent (RFC 9162) with the last one
verified, kept in --state; read every entry in between, check that they hash to the new root,
and match them against what is watched. The first run starts at the current checkpoint, or at
entry 0 with --from-start; later runs resume where the state ends and never alert an entry
twice. --config FILE holds the same settings as YAML (see the README), per log if need be.

Watched: certificates (CT log; artifact log entries) for an identity (SAN) and issuer, exact
or an anchored regexp; entries for an artifact or payload digest; keys or certificates by
SHA-256 fingerprint (of the DER SPKI or certificate); Fulcio extensions by OID (config).
--policy-key: every policy statement by that key must be a version listed, in version order,
by --expect-policy or --expect-policy-file (one digest a line); an expected statement signed
by another key is alerted too.

Each alert is one JSON line on stdout (kind match, policy or inconsistency; log; index; ...),
also POSTed to --webhook (https, or http to loopback; a failure is a warning on stderr).
--once runs one pass (cron, CI); otherwise a pass every --interval seconds (default 60).

Exit codes: 0 nothing to report (--once); 1 an inconsistency (both modes, at once), or any
alert (--once); 2 error (state file, unreadable input); 4 log or CA unreachable (--once;
following, a pass that cannot reach a log is retried); 64 bad usage or configuration.

Examples:
  signet log monitor --state monitor.json --once --certificate-identity alice@example.com \\
    --certificate-oidc-issuer https://idp.example.com
  signet log monitor --config monitor.yaml --webhook https://hooks.example.com/signet
`;

const options = {
  ...logOptions,
  config: { type: 'string' },
  state: { type: 'string' },
  once: { type: 'boolean' },
  interval: { type: 'string' },
  log: { type: 'string', multiple: true },
  'from-start': { type: 'boolean' },
  'certificate-identity': { type: 'string' },
  'certificate-identity-regexp': { type: 'string' },
  'certificate-oidc-issuer': { type: 'string' },
  'certificate-oidc-issuer-regexp': { type: 'string' },
  digest: { type: 'string', multiple: true },
  fingerprint: { type: 'string', multiple: true },
  'policy-key': { type: 'string' },
  'expect-policy': { type: 'string', multiple: true },
  'expect-policy-file': { type: 'string' },
  webhook: { type: 'string' },
} as const;

/** `signet log monitor`; returns the exit code. */
export async function logMonitor(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, options);
  if (help) {
    ctx.print(logMonitorHelp.trimEnd());
    return 0;
  }
  const file: MonitorFile =
    values.config === undefined
      ? { watchlist: flagWatchlist({}) }
      : parseMonitorFile(
          (await readInput(values.config, 'config')).toString('utf8'),
          values.config,
        );
  const statePath = values.state ?? file.state;
  if (statePath === undefined) throw usageError('--state FILE (or state: in --config) is required');
  if (values.once === true && values.interval !== undefined) {
    throw usageError('give --once or --interval, not both');
  }
  const interval =
    values.interval === undefined
      ? (file.interval ?? 60)
      : Number(parseCount('--interval', values.interval, 1n));
  const webhookText = values.webhook ?? file.webhook;
  const alerts = new Alerts(ctx, webhookText === undefined ? undefined : webhookUrl(webhookText));
  const instance = resolveInstance(values, ctx.env);
  const flags = flagWatchlist(values);
  const requested = values.log ?? file.logs?.map((l) => l.name) ?? ['artifact', 'ct'];
  const logs = requested.map((name, i) => {
    if (!LOG_NAMES.includes(name as LogName)) {
      throw usageError(`--log must be one of ${LOG_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
    }
    const configured =
      values.log === undefined ? file.logs?.[i] : file.logs?.find((l) => l.name === name);
    const url =
      configured?.url === undefined ? instance.logUrl : baseUrl(`logs[${i}].url`, configured.url);
    const watchlist = mergeWatchlists(
      mergeWatchlists(file.watchlist, flags),
      configured?.watchlist ?? flagWatchlist({}),
    );
    return { name: name as LogName, url, watchlist };
  });
  const policy = await policyOption(values, file);
  if (policy !== undefined && !logs.some((l) => l.name === 'artifact')) {
    throw usageError('--policy-key needs the artifact log, where policy versions are logged');
  }
  const { root } = await loadTrustedRoot(
    ctx,
    instance.caUrl,
    values['trusted-root'],
    instance.tufRoot,
  );
  const state = await loadState(statePath);
  for (;;) {
    let alerted = false;
    for (const log of logs) {
      const followed = followedLog(ctx, log.name, log.url, root);
      const key = `${log.name} ${log.url}`;
      const stepOptions: StepOptions = {
        watchlist: log.watchlist,
        fromStart: values['from-start'] === true,
        ...(log.name === 'artifact' && policy !== undefined && { policy }),
      };
      let result;
      try {
        result = await monitorStep(followed, state.get(key), stepOptions);
      } catch (err) {
        if (values.once === true) throw err;
        ctx.status(`${log.name}: ${(err as Error).message}; retrying in ${interval} s`);
        continue;
      }
      for (const event of result.events) await alerts.emit(event);
      alerted ||= result.events.length > 0;
      if (result.inconsistent) {
        ctx.status(
          `${log.name}: INCONSISTENT; the last verified checkpoint is kept in ${statePath}`,
        );
        return 1;
      }
      const before = state.get(key)?.treeSize;
      if (result.state !== undefined) {
        state.set(key, result.state);
        await saveState(statePath, state);
        ctx.status(
          `${log.name}: checkpoint ${result.state.treeSize} verified${before === undefined ? '' : `, consistent with ${before}`}; ${result.events.length} alert(s)`,
        );
      }
    }
    if (values.once === true) return alerted ? 1 : 0;
    await sleep(interval * 1000);
  }
}

async function policyOption(
  values: { 'policy-key'?: string; 'expect-policy'?: string[]; 'expect-policy-file'?: string },
  file: MonitorFile,
): Promise<StepOptions['policy']> {
  const keyFile = values['policy-key'] ?? file.policy?.key;
  const fromFlags = values['expect-policy'];
  const listFile = values['expect-policy-file'];
  if (keyFile === undefined) {
    if (fromFlags !== undefined || listFile !== undefined) {
      throw usageError('--expect-policy and --expect-policy-file need --policy-key');
    }
    return undefined;
  }
  if (fromFlags !== undefined && listFile !== undefined) {
    throw usageError('give --expect-policy or --expect-policy-file, not both');
  }
  let key;
  try {
    key = parsePublicKey((await readInput(keyFile, 'policy key')).toString('utf8'));
  } catch (err) {
    throw usageError(`--policy-key ${keyFile}: ${(err as Error).message}`);
  }
  const issues: string[] = [];
  const expected =
    listFile !== undefined
      ? parseExpectedFile(
          (await readInput(listFile, 'expected policy versions')).toString('utf8'),
          listFile,
        )
      : (fromFlags?.map((d, i) => policyDigest(d, `--expect-policy[${i}]`, issues)) ??
        file.policy?.expect ??
        []);
  if (issues.length > 0) throw usageError(issues.join('; '));
  return { watch: { key, expected }, statements: expectedStatements(expected) };
}
