import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { assertUsableKeyring, isPayloadKeyId, type PayloadKeyring } from './keyring';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const ENCRYPTION_KEY_ID_METADATA = 'encryption-key-id';

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const AUTH_TAG_BYTES = 16;

/** An encrypted payload that cannot be read. Messages name key ids, never payload content. */
export class PayloadDecryptionError extends Error {
  override readonly name: string = 'PayloadDecryptionError';
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
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: ReadonlyMap<string, Uint8Array>;
  private readonly activeKeyId: string;

  constructor(keyring: PayloadKeyring) {
    assertUsableKeyring(keyring);
    this.keys = new Map(Object.entries(keyring.keys));
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
      return payload;
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
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
    } catch {
      throw new PayloadDecryptionError(
        `Encrypted payload with key id "${keyId}" failed authentication: it was altered, or that key id now holds a different key`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }

  private keyFor(keyId: string): Uint8Array {
    const key = this.keys.get(keyId);
    if (key === undefined) {
      throw new UnknownPayloadKeyError(keyId, [...this.keys.keys()]);
    }
    return key;
  }
}
