/** Injection token of the validated {@link SignetConfig}. */
export const SIGNET_CONFIG = Symbol('SIGNET_CONFIG');
