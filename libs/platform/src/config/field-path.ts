/**
 * Names a zod issue path under `root` for config error messages:
 * `fieldPath('rules', [0, 'name'])` is `rules[0].name`.
 */
export function fieldPath(root: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : `${text}.${String(key)}`),
    root,
  );
}
