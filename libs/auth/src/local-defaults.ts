/** The local stack's token settings; the API's configuration defaults to the same issuer and audience. */
export const localTokenDefaults = {
  issuer: 'careflow-local',
  audience: 'careflow',
  lifetimeMinutes: 60,
  /** A token used longer than this after it was issued is refused, whatever its expiry says. */
  maxTokenAgeSeconds: 8 * 60 * 60,
  clockToleranceSeconds: 30,
} as const;
