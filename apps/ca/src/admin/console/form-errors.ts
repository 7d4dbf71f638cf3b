import type { FieldErrors } from './view-models';

/** A service error's message split between the form's fields and the rest. */
export interface FormErrors {
  readonly errors: FieldErrors;
  readonly formError?: string;
}

/**
 * Places each problem of a field-named error message (`rule.subject (rule "x"): not a valid
 * pattern; reason: required`, or `rules[2].claims.team (rule "x"): …` from the semantic checks)
 * next to its form field. `fields` maps a message's first path segment (after `rule.` or
 * `rules[N].`, or bare) to the form field; `claims.team: …` keeps the claim's name in the text.
 * What no field claims becomes the form-level error.
 */
export function formErrors(message: string, fields: Readonly<Record<string, string>>): FormErrors {
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const problem of splitProblems(message)) {
    const m =
      /^(?:(?:rule|issuer)\.|(?:rules|issuers)\[\d+\]\.)?([A-Za-z][\w-]*)((?:\.[^\s:]+|\[\d+\])*)(?: \((?:rule|issuer) "[^"]*"\))?: ([\s\S]*)$/.exec(
        problem,
      );
    const field = m === null ? undefined : fields[m[1]!];
    if (m === null || field === undefined) {
      rest.push(problem);
      continue;
    }
    // A claim's problem says which claim; an index into a list says nothing a person needs.
    const sub = m[2]!.startsWith('.') ? `${m[2]!.slice(1)}: ` : '';
    const text = `${sub}${m[3]!}`;
    errors[field] = errors[field] === undefined ? text : `${errors[field]}; ${text}`;
  }
  return rest.length === 0 ? { errors } : { errors, formError: rest.join('; ') };
}

/** The problems of a message joined with `; ` (a problem's own text may hold `; ` too). */
function splitProblems(message: string): string[] {
  return message.split(
    /; (?=(?:rules?|issuers?)(?:\[\d+\])?\.|[A-Za-z][\w-]*(?:\.[^\s:]+)?(?: \([^)]*\))?: )/,
  );
}
