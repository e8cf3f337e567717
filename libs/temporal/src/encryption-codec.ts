import { type KeyObject, createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { assertUsableKeyring, isPayloadKeyId, PayloadKeyringError, type PayloadKeyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

/** An encrypted payload that cannot be read. Messages name key ids, never payload content. */
export class PayloadDecryptionError extends Error {
  override readonly name: string = 'PayloadDecryptionError';
}

/**
 * A payload that arrived in plaintext. Every Careflow client and worker encrypts, so a plaintext
 * Update, Signal or start came from something that bypassed the codec and is not read.
 */
export class UnencryptedPayloadError extends PayloadDecryptionError {
  override readonly name = 'UnencryptedPayloadError';

  constructor() {
    super('Payload is not encrypted: Careflow reads only payloads sealed by its payload codec (send through a Careflow client)');
  }
}

export class UnknownPayloadKeyError extends PayloadDecryptionError {
  override readonly name = 'UnknownPayloadKeyError';

  constructor(
    readonly keyId: string,
    knownKeyIds: readonly string[],
  ) {
    // The id comes from the payload itself: echo it only when it has the shape of a key id.
    const named = isPayloadKeyId(keyId) ? `key id "${keyId}"` : 'a malformed key id';
    super(
      `Payload was encrypted with ${named}, which is not in the keyring (known key ids: ${knownKeyIds.join(', ')}); restore that key to read it`,
    );
  }
}

/**
 * Encrypts every Temporal payload with AES-256-GCM so PHI never reaches Temporal's database.
 * The whole original payload, metadata included, is sealed inside; the outer payload shows only
 * the encoding and the key id. Layout of `data`: 12-byte IV, ciphertext, 16-byte auth tag.
 * The namespace and the key id are authenticated with it (additional data), so a payload copied
 * into another namespace, or relabelled with another key id, does not decrypt. Temporal passes
 * search attributes and headers around the codec; everything else (inputs, results, Signals,
 * Updates, Queries, memo, failures) goes through it, so on decode a plaintext payload is refused.
 */
export class EncryptionCodec implements PayloadCodec {
  // Imported once: a raw key given to createCipheriv is imported again on every payload.
  private readonly keys: ReadonlyMap<string, KeyObject>;
  private readonly activeKeyId: string;

  constructor(
    keyring: PayloadKeyring,
    private readonly namespace: string,
  ) {
    assertUsableKeyring(keyring);
    if (namespace.trim() === '') throw new PayloadKeyringError('The payload codec needs the Temporal namespace its payloads belong to');
    this.keys = new Map(Object.entries(keyring.keys).map(([keyId, key]) => [keyId, createSecretKey(key)]));
    this.activeKeyId = keyring.activeKeyId;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.encrypt(payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.decrypt(payload));
  }

  private encrypt(payload: Payload): Payload {
    const key = this.keyFor(this.activeKeyId);
    // A fresh IV per payload: reusing one under the same GCM key would expose the plaintext.
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv, { authTagLength: AUTH_TAG_BYTES });
    cipher.setAAD(this.boundTo(this.activeKeyId));
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
        [ENCRYPTION_KEY_ID_METADATA]: Buffer.from(this.activeKeyId),
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    const encoding = payload.metadata?.[METADATA_ENCODING_KEY];
    if (encoding === undefined || Buffer.from(encoding).toString() !== ENCRYPTED_ENCODING) {
      throw new UnencryptedPayloadError();
    }
    const keyIdBytes = payload.metadata?.[ENCRYPTION_KEY_ID_METADATA];
    if (keyIdBytes === undefined) {
      throw new PayloadDecryptionError(`Encrypted payload has no "${ENCRYPTION_KEY_ID_METADATA}" metadata`);
    }
    const keyId = Buffer.from(keyIdBytes).toString();
    const key = this.keyFor(keyId);
    const data = payload.data ?? new Uint8Array();
    if (data.byteLength < IV_BYTES + AUTH_TAG_BYTES) {
      throw new PayloadDecryptionError(`Encrypted payload with key id "${keyId}" is truncated`);
    }
    const iv = data.subarray(0, IV_BYTES);
    const ciphertext = data.subarray(IV_BYTES, data.byteLength - AUTH_TAG_BYTES);
    const authTag = data.subarray(data.byteLength - AUTH_TAG_BYTES);
    const decipher = createDecipheriv(CIPHER, key, iv, { authTagLength: AUTH_TAG_BYTES });
    decipher.setAuthTag(authTag);
    decipher.setAAD(this.boundTo(keyId));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `Encrypted payload with key id "${keyId}" failed authentication: it was altered, it was written in another namespace or under another key id, or that key id now holds a different key`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }

  /** What a payload is bound to besides its key: versioned, so the binding can change without ambiguity. */
  private boundTo(keyId: string): Buffer {
    return Buffer.from(JSON.stringify(['careflow-payload-v1', this.namespace, keyId]));
  }

  private keyFor(keyId: string): KeyObject {
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new UnknownPayloadKeyError(keyId, [...this.keys.keys()]);
    }
    return key;
  }
}
