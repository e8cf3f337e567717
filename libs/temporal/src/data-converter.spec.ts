import { randomBytes } from 'node:crypto';
import { ApplicationFailure, defaultPayloadConverter, type FailureConverter } from '@temporalio/common';
import { createDataConverter, failureConverterPath } from './data-converter';
import { EncryptionCodec } from './encryption-codec';

const keyring = { activeKeyId: 'k1', keys: { k1: randomBytes(32) } };

describe('createDataConverter', () => {
  it('encrypts payloads and names the failure converter module', () => {
    const converter = createDataConverter(keyring, 'careflow');
    expect(converter.payloadCodecs).toEqual([expect.any(EncryptionCodec)]);
    expect(converter.failureConverterPath).toBe(failureConverterPath);
  });

  it('moves failure messages and stack traces into a payload the codec encrypts', async () => {
    const { failureConverter } = require(failureConverterPath) as { failureConverter: FailureConverter };
    const canary = `Canary-${randomBytes(8).toString('hex')}`;
    const failure = failureConverter.errorToFailure(
      ApplicationFailure.nonRetryable(`Session refused for ${canary}`, 'SessionRefused'),
      defaultPayloadConverter,
    );
    expect(failure.message).not.toContain(canary);
    expect(failure.stackTrace ?? '').not.toContain(canary);
    // The message is carried in the encoded attributes, so the check on their encrypted form below can fail.
    expect(defaultPayloadConverter.fromPayload(failure.encodedAttributes ?? {})).toMatchObject({
      message: `Session refused for ${canary}`,
    });

    const [encrypted] = await new EncryptionCodec(keyring, 'careflow').encode([failure.encodedAttributes ?? {}]);
    expect(Buffer.from(encrypted?.data ?? []).includes(canary)).toBe(false);
  });
});
