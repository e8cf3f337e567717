/** AES-256 keys are exactly 32 bytes. */
export const PAYLOAD_KEY_BYTES = 32;

const KEY_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * The keys payloads are encrypted with. New payloads always use the active key; every key stays
 * listed for as long as histories encrypted with it may still be read (rotation never re-encrypts).
 */
export interface PayloadKeyring {
  readonly activeKeyId: string;
  readonly keys: Readonly<Record<string, Uint8Array>>;
}

/** A key list that cannot be used. The message names key ids and positions, never key material. */
export class PayloadKeyringError extends Error {
  override readonly name = 'PayloadKeyringError';
}

/**
 * Parses the payload key list `keyId:base64Key,keyId:base64Key,…` (as held in PAYLOAD_KEYS); the
 * first entry is the active key. To rotate, put a new key first and keep the old ones after it.
 */
export function keyringFromEnv(value: string): PayloadKeyring {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const keys = new Map<string, Uint8Array>();
  entries.forEach((entry, index) => {
    const position = `entry ${index + 1}`;
    const separator = entry.indexOf(':');
    if (separator < 0) {
      throw new PayloadKeyringError(`Payload key list: ${position} must look like keyId:base64Key`);
    }
    const keyId = entry.slice(0, separator).trim();
    const encodedKey = entry.slice(separator + 1).trim();
    if (keys.has(keyId)) {
      throw new PayloadKeyringError(`Payload key list: key id "${keyId}" appears more than once`);
    }
    keys.set(keyId, decodeKey(keyId, position, encodedKey));
  });
  const [activeKeyId] = keys.keys();
  if (activeKeyId === undefined) {
    throw new PayloadKeyringError('Payload key list is empty: it needs at least one keyId:base64Key entry');
  }
  const keyring = { activeKeyId, keys: Object.fromEntries(keys) };
  assertUsableKeyring(keyring);
  return keyring;
}

/** Checks what the codec relies on, whichever way the keyring was built. */
export function assertUsableKeyring(keyring: PayloadKeyring): void {
  for (const [keyId, key] of Object.entries(keyring.keys)) {
    if (!isPayloadKeyId(keyId)) {
      throw new PayloadKeyringError(
        `Payload key id "${keyId}" is invalid: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      );
    }
    if (key.byteLength !== PAYLOAD_KEY_BYTES) {
      throw new PayloadKeyringError(`Payload key "${keyId}" has ${key.byteLength} bytes; AES-256 needs ${PAYLOAD_KEY_BYTES}`);
    }
  }
  if (!Object.hasOwn(keyring.keys, keyring.activeKeyId)) {
    throw new PayloadKeyringError(`Active payload key id "${keyring.activeKeyId}" is not in the keyring`);
  }
}

/** Key ids appear in payload metadata and error messages, so they are short and plain. */
export function isPayloadKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

function decodeKey(keyId: string, position: string, encodedKey: string): Uint8Array {
  if (!BASE64_PATTERN.test(encodedKey)) {
    throw new PayloadKeyringError(`Payload key list: ${position} (key id "${keyId}") is not base64`);
  }
  const key = Buffer.from(encodedKey, 'base64');
  if (key.byteLength !== PAYLOAD_KEY_BYTES) {
    throw new PayloadKeyringError(
      `Payload key list: ${position} (key id "${keyId}") decodes to ${key.byteLength} bytes; AES-256 needs ${PAYLOAD_KEY_BYTES}`,
    );
  }
  return new Uint8Array(key);
}
