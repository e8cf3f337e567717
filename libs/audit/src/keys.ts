import { createHmac, createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

/** RFC 2104 / NIST SP 800-107: an HMAC-SHA-256 key at least as long as the hash. */
export const minAuditKeyBytes = 32;

export interface AuditKey {
  readonly id: string;
  readonly secret: Buffer;
}

/**
 * The audit trail's HMAC keys, from configuration and never from the database: the first signs new
 * records, the others still verify records signed before a rotation.
 */
export interface AuditKeyring {
  readonly active: AuditKey;
  readonly byId: ReadonlyMap<string, AuditKey>;
}

/** A keyring that cannot work; raised at start, naming the problem but never a key. */
export class AuditKeyError extends Error {
  override readonly name = 'AuditKeyError';
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,40}$/;

export const auditKeyring = (keys: readonly AuditKey[]): AuditKeyring => {
  const [active] = keys;
  if (!active) throw new AuditKeyError('the audit trail needs at least one HMAC key');
  const byId = new Map<string, AuditKey>();
  for (const key of keys) {
    if (!keyIdPattern.test(key.id)) throw new AuditKeyError('an audit key id must be 1 to 40 letters, digits, - or _');
    if (key.secret.byteLength < minAuditKeyBytes) {
      throw new AuditKeyError(`audit key ${key.id} is shorter than ${minAuditKeyBytes} bytes`);
    }
    if (byId.has(key.id)) throw new AuditKeyError(`audit key ${key.id} is given twice`);
    byId.set(key.id, key);
  }
  return { active, byId };
};

/** `keyId:base64secret,...`, the active key first (the same shape as PAYLOAD_KEYS). */
export const parseAuditKeyring = (value: string): AuditKeyring =>
  auditKeyring(
    value.split(',').map((entry) => {
      const separator = entry.indexOf(':');
      if (separator <= 0) throw new AuditKeyError('each audit key is written keyId:base64secret');
      return { id: entry.slice(0, separator).trim(), secret: Buffer.from(entry.slice(separator + 1).trim(), 'base64') };
    }),
  );

// Imported once per key: a raw secret given to createHmac is imported again on every record.
const importedKeys = new WeakMap<AuditKey, KeyObject>();
const importedKey = (key: AuditKey): KeyObject => {
  let imported = importedKeys.get(key);
  if (imported === undefined) {
    imported = createSecretKey(key.secret);
    importedKeys.set(key, imported);
  }
  return imported;
};

export const hmac = (key: AuditKey, ...parts: readonly (Uint8Array | string)[]): Buffer => {
  const mac = createHmac('sha256', importedKey(key));
  for (const part of parts) mac.update(part);
  return mac.digest();
};

export const sameDigest = (a: Uint8Array, b: Uint8Array): boolean => a.byteLength === b.byteLength && timingSafeEqual(a, b);
