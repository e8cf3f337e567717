import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload } from '@temporalio/common';
import {
  ENCRYPTED_ENCODING,
  ENCRYPTION_KEY_ID_METADATA,
  EncryptionCodec,
  PayloadDecryptionError,
  UnencryptedPayloadError,
  UnknownPayloadKeyError,
} from './encryption-codec';
import { type PayloadKeyring } from './keyring';

const k1 = randomBytes(32);
const k2 = randomBytes(32);
const keyringWith = (activeKeyId: string, keys: Record<string, Uint8Array>): PayloadKeyring => ({ activeKeyId, keys });

const toPayload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const fromPayload = (payload: Payload): unknown => defaultPayloadConverter.fromPayload(payload);
const metadataText = (payload: Payload, name: string): string | undefined => {
  const value = payload.metadata?.[name];
  return value === undefined ? undefined : Buffer.from(value).toString();
};

async function encodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [encoded] = await codec.encode([payload]);
  if (encoded === undefined) throw new Error('codec returned no payload');
  return encoded;
}

async function decodeOne(codec: EncryptionCodec, payload: Payload): Promise<Payload> {
  const [decoded] = await codec.decode([payload]);
  if (decoded === undefined) throw new Error('codec returned no payload');
  return decoded;
}

describe('EncryptionCodec', () => {
  const codec = new EncryptionCodec(keyringWith('k1', { k1 }), 'careflow');

  it('round-trips payloads, their metadata included', async () => {
    const values = [{ episodeId: 'ep-1', sessions: 20 }, 'plain text', null, [1, 2, 3]];
    const encoded = await codec.encode(values.map(toPayload));
    const decoded = await codec.decode(encoded);
    expect(decoded.map(fromPayload)).toEqual(values);
    expect(metadataText(decoded[0] ?? {}, METADATA_ENCODING_KEY)).toBe('json/plain');
  });

  it('keeps an empty batch empty', async () => {
    await expect(codec.encode([])).resolves.toEqual([]);
  });

  it('shows only the encrypted encoding and the key id outside', async () => {
    const encoded = await encodeOne(codec, toPayload({ note: 'x' }));
    const outerMetadata = Object.keys(encoded.metadata ?? {}).sort();
    expect(outerMetadata).toEqual([METADATA_ENCODING_KEY, ENCRYPTION_KEY_ID_METADATA].sort());
    expect(metadataText(encoded, METADATA_ENCODING_KEY)).toBe(ENCRYPTED_ENCODING);
    expect(metadataText(encoded, ENCRYPTION_KEY_ID_METADATA)).toBe('k1');
    expect(Buffer.from(encoded.data ?? []).includes('json/plain')).toBe(false);
  });

  it('uses a fresh IV for every payload', async () => {
    const payload = toPayload('same value');
    const [first, second] = await codec.encode([payload, payload]);
    const iv = (p: Payload | undefined): string =>
      Buffer.from(p?.data ?? [])
        .subarray(0, 12)
        .toString('hex');
    expect(iv(first)).not.toBe(iv(second));
    expect(Buffer.from(first?.data ?? []).equals(Buffer.from(second?.data ?? []))).toBe(false);
  });

  it('does not contain a patient name once encoded (PHI canary)', async () => {
    const canary = `Canary-${randomBytes(8).toString('hex')}`;
    const encoded = await codec.encode([toPayload({ patient: { name: canary, birthDate: '1961-04-12' } })]);
    const wire = Buffer.concat(
      encoded.flatMap((p) => [...Object.values(p.metadata ?? {}).map((v) => Buffer.from(v)), Buffer.from(p.data ?? [])]),
    );
    expect(wire.includes(canary)).toBe(false);
    expect(wire.toString('latin1')).not.toContain(canary);
    expect(wire.includes(Buffer.from(canary).toString('base64').slice(0, 12))).toBe(false);
  });

  it.each([
    ['the ciphertext', 20],
    ['the IV', 0],
    ['the auth tag', -1],
  ])('refuses a payload whose %s was altered', async (_part, offset) => {
    const encoded = await encodeOne(codec, toPayload({ note: 'private' }));
    const data = Buffer.from(encoded.data ?? []);
    const index = offset < 0 ? data.length + offset : offset;
    data[index] = (data[index] ?? 0) ^ 0x01;
    const error: unknown = await codec.decode([{ ...encoded, data }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayloadDecryptionError);
    expect((error as Error).message).toBe(
      'Encrypted payload with key id "k1" failed authentication: it was altered, it was written in another namespace or under another key id, or that key id now holds a different key',
    );
  });

  it('refuses a truncated payload', async () => {
    const encoded = await encodeOne(codec, toPayload('x'));
    const truncated = { ...encoded, data: (encoded.data ?? new Uint8Array()).subarray(0, 20) };
    await expect(codec.decode([truncated])).rejects.toThrow('Encrypted payload with key id "k1" is truncated');
  });

  it('refuses an encrypted payload without a key id', async () => {
    const encoded = await encodeOne(codec, toPayload('x'));
    const metadata = { [METADATA_ENCODING_KEY]: encoded.metadata?.[METADATA_ENCODING_KEY] ?? new Uint8Array() };
    await expect(codec.decode([{ ...encoded, metadata }])).rejects.toThrow(
      `Encrypted payload has no "${ENCRYPTION_KEY_ID_METADATA}" metadata`,
    );
  });

  it.each([
    ['a plaintext payload', toPayload({ status: 'active' })],
    ['a payload without metadata', {}],
  ])('refuses %s on decode, naming no content', async (_case, plain) => {
    const error: unknown = await codec.decode([plain]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnencryptedPayloadError);
    expect((error as Error).message).toBe(
      'Payload is not encrypted: Careflow reads only payloads sealed by its payload codec (send through a Careflow client)',
    );
  });

  it('refuses a payload moved to another namespace', async () => {
    const encoded = await encodeOne(codec, toPayload({ note: 'private' }));
    const staging = new EncryptionCodec(keyringWith('k1', { k1 }), 'careflow-staging');
    await expect(staging.decode([encoded])).rejects.toThrow(/key id "k1" failed authentication: .*written in another namespace/);
  });

  it('refuses a payload relabelled with another key id that holds the same key', async () => {
    const encoded = await encodeOne(codec, toPayload({ note: 'private' }));
    const sameKeyTwice = new EncryptionCodec(keyringWith('k1', { k1, k1b: k1 }), 'careflow');
    const relabelled = { ...encoded, metadata: { ...encoded.metadata, [ENCRYPTION_KEY_ID_METADATA]: Buffer.from('k1b') } };
    await expect(sameKeyTwice.decode([relabelled])).rejects.toThrow(/key id "k1b" failed authentication/);
  });

  it('needs the namespace its payloads belong to', () => {
    expect(() => new EncryptionCodec(keyringWith('k1', { k1 }), ' ')).toThrow('needs the Temporal namespace');
  });

  describe('key rotation', () => {
    it('still reads payloads of the old key and writes with the new active key', async () => {
      const beforeRotation = new EncryptionCodec(keyringWith('k1', { k1 }), 'careflow');
      const old = await encodeOne(beforeRotation, toPayload({ session: 1 }));

      const afterRotation = new EncryptionCodec(keyringWith('k2', { k2, k1 }), 'careflow');
      expect(fromPayload(await decodeOne(afterRotation, old))).toEqual({ session: 1 });

      const fresh = await encodeOne(afterRotation, toPayload({ session: 2 }));
      expect(metadataText(fresh, ENCRYPTION_KEY_ID_METADATA)).toBe('k2');
      expect(fromPayload(await decodeOne(afterRotation, fresh))).toEqual({ session: 2 });
      await expect(beforeRotation.decode([fresh])).rejects.toThrow(UnknownPayloadKeyError);
    });

    it('detects a key id that now holds a different key', async () => {
      const encoded = await encodeOne(codec, toPayload('x'));
      const replaced = new EncryptionCodec(keyringWith('k1', { k1: k2 }), 'careflow');
      await expect(replaced.decode([encoded])).rejects.toThrow(/key id "k1" failed authentication/);
    });
  });

  it('names an unknown key id, and nothing of the payload', async () => {
    const canary = `Canary-${randomBytes(8).toString('hex')}`;
    const encoded = await encodeOne(new EncryptionCodec(keyringWith('k0', { k0: randomBytes(32) }), 'careflow'), toPayload(canary));
    const error: unknown = await codec.decode([encoded]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownPayloadKeyError);
    expect(error).toMatchObject({ keyId: 'k0' });
    const message = (error as Error).message;
    expect(message).toBe(
      'Payload was encrypted with key id "k0", which is not in the keyring (known key ids: k1); restore that key to read it',
    );
    expect(message).not.toContain(canary);
  });

  it('does not echo a key id that is not shaped like one', async () => {
    const encoded = await encodeOne(codec, toPayload('x'));
    const metadata = { ...encoded.metadata, [ENCRYPTION_KEY_ID_METADATA]: Buffer.from('Jane Doe 1961-04-12') };
    await expect(codec.decode([{ ...encoded, metadata }])).rejects.toThrow(
      'Payload was encrypted with a malformed key id, which is not in the keyring',
    );
  });

  it('refuses a keyring it cannot use', () => {
    const shortKey = keyringWith('k1', { k1: randomBytes(16) });
    expect(() => new EncryptionCodec(shortKey, 'careflow')).toThrow('Payload key "k1" has 16 bytes');
  });
});
