/** Nest injection tokens of the API's HTTP core. */
export const TOKEN_VERIFIER = Symbol('careflow.token-verifier');
export const AUDIT_TRAIL = Symbol('careflow.audit-trail');
