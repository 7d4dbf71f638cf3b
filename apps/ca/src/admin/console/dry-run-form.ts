import { formatDuration } from '../../policy';
import type { EvaluateAnswer, EvaluateTraceRow } from '../policy-api/dry-run-answer';
import type { EvaluateInput } from '../policy-api/admin-policy.service';
import { type FormBody, formText } from './rule-form';
import type { DryRunFormValues, DryRunResultView, FieldErrors, TraceRowView } from './view-models';

/** Three base64url parts: a compact JWS, i.e. an identity token. */
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The dry-run form as posted. */
export function dryRunFormValues(body: FormBody | undefined): DryRunFormValues {
  return {
    input: formText(body, 'input').trim(),
    issuer: formText(body, 'issuer').trim(),
    keyAlgorithm: formText(body, 'keyAlgorithm'),
  };
}

/** Form fields named by the dry run's messages (`token: …`, `claims: …`, `issuer: …`). */
export const DRY_RUN_MESSAGE_FIELDS: Readonly<Record<string, string>> = {
  token: 'input',
  claims: 'input',
  subject: 'input',
  issuer: 'issuer',
  keyAlgorithm: 'keyAlgorithm',
};

/**
 * What the dry run is asked: a pasted token (its own `iss` counts, the issuer field is ignored),
 * or a JSON object of claims judged as coming from the issuer field's issuer.
 */
export function evaluateInput(
  values: DryRunFormValues,
): { input: EvaluateInput } | { errors: FieldErrors } {
  const keyAlgorithm = values.keyAlgorithm === '' ? undefined : values.keyAlgorithm;
  if (values.input === '') return { errors: { input: 'required: paste a token or claims' } };
  if (JWT.test(values.input)) return { input: { token: values.input, keyAlgorithm } };
  let claims: unknown;
  try {
    claims = JSON.parse(values.input) as unknown;
  } catch (err) {
    return {
      errors: { input: `neither a token nor valid JSON: ${(err as Error).message}` },
    };
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    return { errors: { input: 'claims must be a JSON object, such as {"email": "…"}' } };
  }
  if (values.issuer === '') return { errors: { issuer: 'required with claims' } };
  return { input: { issuer: values.issuer, claims, keyAlgorithm } };
}

/** The dry run's answer, display-ready. */
export function dryRunResultView(answer: EvaluateAnswer): DryRunResultView {
  const certificate = answer.certificate;
  const identity = certificate?.identity ?? answer.request?.subject;
  return {
    decision: answer.decision,
    ...(answer.reason === undefined ? {} : { reason: answer.reason }),
    message:
      answer.message ??
      (answer.rule ? `rule ${answer.rule.name} allows this identity` : answer.decision),
    ...(answer.rule ? { rule: answer.rule } : {}),
    ...(identity === undefined ? {} : { identity }),
    ...(certificate === undefined ? {} : { lifetime: formatDuration(certificate.lifetimeSeconds) }),
    policyVersion: String(answer.policyVersion),
    missingClaims: answer.missingClaims,
    trace: answer.trace.map(traceRowView),
  };
}

function traceRowView(row: EvaluateTraceRow): TraceRowView {
  const at = { rule: row.rule, position: row.position };
  switch (row.outcome) {
    case 'allowed':
    case 'not-reached':
      return { ...at, outcome: row.outcome };
    case 'issuer':
    case 'subject':
      return { ...at, outcome: row.outcome, pattern: row.pattern, value: row.value };
    case 'claim':
      return {
        ...at,
        outcome: 'claim',
        claim: row.claim,
        problem: row.problem,
        condition: String(row.condition),
        ...(row.value === undefined ? {} : { value: JSON.stringify(row.value) }),
      };
    case 'key-algorithm':
      return { ...at, outcome: 'key-algorithm', allowed: row.allowed, value: row.value };
  }
}
