/* `signet admin rules export|import`: the CA's rules and issuers as a YAML file reviewed in git. */
import { parse, stringify } from 'yaml';
import type { CliContext } from '../cli/context';
import { CliError, ExitCode, usageError } from '../cli/exit-codes';
import { readInput, writeOutput } from '../cli/files';
import { commonOptions, instanceOptions, parseCommand, resolveInstance } from '../cli/options';
import { AdminApi, adminToken, adminTokenOptions } from './admin-api';

export const adminRulesHelp = `signet admin rules: the CA's IAM rules and OIDC issuers as YAML, for review in git

Usage:
  signet admin rules export [--out FILE]
  signet admin rules import FILE --reason R
Common options: --ca-url URL, --token-file FILE (else SIGNET_ADMIN_TOKEN), --json.

export  the policy in force as \`issuers:\` and \`rules:\` (SIGNET_CONFIG's form, without the
        server's rule ids), rules in evaluation order, keys in a fixed order: a stable file
        whose diffs are the changes (viewer token)
import  replaces the policy with FILE as one new policy version, against the version read just
        before (If-Match): if someone changed it in between, nothing changes and the import
        says to re-run; the server's refusals name the field (editor token; the CA must have
        policy.source: database)

Exit codes: 0 ok; 2 error (a refused change, an unreadable file); 3 the token may not do this;
4 CA unreachable; 64 bad usage.

Examples:
  signet admin rules export --out policy.yaml
  signet admin rules import policy.yaml --reason "allow the release workflow of acme/api"
`;

/** `signet admin rules …`; returns the exit code. */
export function adminRules(argv: string[], ctx: CliContext): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'export':
      return rulesExport(rest, ctx);
    case 'import':
      return rulesImport(rest, ctx);
    case undefined:
    case '--help':
    case '-h':
      ctx.print(adminRulesHelp.trimEnd());
      return Promise.resolve(0);
    default:
      throw usageError(`unknown admin rules command "${sub}" (expected export or import)`);
  }
}

const options = { ...commonOptions, ...instanceOptions, ...adminTokenOptions } as const;

async function rulesExport(argv: string[], ctx: CliContext): Promise<number> {
  const { values, help } = parseCommand(argv, { ...options, out: { type: 'string' } });
  if (help) return printHelp(ctx);
  const api = await apiOf(ctx, values);
  const { policy } = await api.policy();
  const text = policyYaml(policy);
  if (values.out === undefined) {
    ctx.print(text.trimEnd());
  } else {
    await writeOutput(values.out, text);
    ctx.status(`wrote policy version ${policy.version} to ${values.out}`);
  }
  return 0;
}

async function rulesImport(argv: string[], ctx: CliContext): Promise<number> {
  const { values, positionals, help } = parseCommand(
    argv,
    { ...options, reason: { type: 'string' } },
    ['FILE'],
  );
  if (help) return printHelp(ctx);
  const reason = values.reason?.trim();
  if (reason === undefined || reason === '') {
    throw usageError('--reason R is required: it is logged with the new policy version');
  }
  const file = positionals[0]!;
  const content = readPolicyYaml((await readInput(file, 'policy file')).toString('utf8'), file);
  const api = await apiOf(ctx, values);
  const { policy: before, etag } = await api.policy();
  const after = await api.replacePolicy(etag, { ...content, reason });
  if (values.json === true) {
    ctx.print(
      JSON.stringify({
        previousVersion: before.version,
        version: after.version,
        digest: after.digest,
      }),
    );
  } else {
    ctx.print(
      `policy version ${after.version} (${after.digest}), replacing version ${before.version}`,
    );
  }
  return 0;
}

async function apiOf(
  ctx: CliContext,
  values: Parameters<typeof resolveInstance>[0] & { 'token-file'?: string },
): Promise<AdminApi> {
  const { caUrl } = resolveInstance(values, ctx.env);
  return new AdminApi(ctx, caUrl, await adminToken(ctx, values['token-file']));
}

const RULE_KEYS = [
  'name',
  'issuer',
  'subject',
  'claims',
  'certificateLifetime',
  'allowedKeyAlgorithms',
];
const ISSUER_KEYS = ['url', 'wildcardUrl', 'type', 'audience'];

/**
 * The YAML of `policy`'s issuers and rules: rule ids left out (the server's, not the reviewer's),
 * rules in evaluation order, known keys first in a fixed order, any others sorted after them.
 */
export function policyYaml(policy: {
  version: number;
  digest: string;
  issuers: unknown[];
  rules: unknown[];
}): string {
  const body = {
    issuers: policy.issuers.map((i) => ordered(i, ISSUER_KEYS, [])),
    rules: policy.rules.map((r) => ordered(r, RULE_KEYS, ['id'])),
  };
  return `# Signet policy version ${policy.version} (${policy.digest})\n${stringify(body, { lineWidth: 0 })}`;
}

function ordered(value: unknown, first: readonly string[], drop: readonly string[]): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).filter((k) => !drop.includes(k));
  const known = first.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !first.includes(k)).sort();
  return Object.fromEntries([...known, ...rest].map((k) => [k, sortedDeep(record[k])]));
}

function sortedDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedDeep);
  if (typeof value !== 'object' || value === null) return value;
  return ordered(value, [], []);
}

/** `issuers` and `rules` of a policy YAML file; exit 2 naming what is wrong. */
export function readPolicyYaml(text: string, file: string): { issuers: unknown; rules: unknown } {
  let parsed: unknown;
  try {
    parsed = parse(text);
  } catch (err) {
    throw new CliError(ExitCode.error, `${file} is not YAML: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CliError(ExitCode.error, `${file} must be a mapping with issuers: and rules:`);
  }
  const extra = Object.keys(parsed).filter((k) => k !== 'issuers' && k !== 'rules');
  if (extra.length > 0) {
    throw new CliError(
      ExitCode.error,
      `${file}: ${extra[0]}: unknown key (expected issuers and rules)`,
    );
  }
  const { issuers, rules } = parsed as { issuers?: unknown; rules?: unknown };
  if (!Array.isArray(issuers))
    throw new CliError(ExitCode.error, `${file}: issuers must be a list`);
  if (!Array.isArray(rules)) throw new CliError(ExitCode.error, `${file}: rules must be a list`);
  return { issuers, rules };
}

function printHelp(ctx: CliContext): Promise<number> {
  ctx.print(adminRulesHelp.trimEnd());
  return Promise.resolve(0);
}
