import { Writable } from 'node:stream';
import { createLogger } from '@careflow/config';
import { temporalLoggerOver } from './temporal-logger';

describe('temporalLoggerOver', () => {
  const capture = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, logger: createLogger('worker', 'debug', stream) };
  };
  const canary = 'Zelda Canaryfield';

  it("given the SDK's line with an activity error, when forwarded, then it is the app's JSON line with the error by name", () => {
    const { lines, logger } = capture();
    const error = Object.assign(new Error(`invalid ${canary}`), { type: 'InvalidAppendError' });
    temporalLoggerOver(logger).warn('Activity failed', {
      activityType: 'appendEpisodeEvents',
      workflowId: 'episode-1',
      error,
      input: canary,
    });
    expect(lines.join('')).not.toContain(canary);
    expect(JSON.parse(lines.join(''))).toMatchObject({
      app: 'worker',
      level: 'warn',
      msg: 'Activity failed',
      activityType: 'appendEpisodeEvents',
      error: { type: 'Error', failureType: 'InvalidAppendError' },
      input: '[redacted]',
    });
  });

  it('given a native core line, when forwarded, then its formatted text is not written', () => {
    const { lines, logger } = capture();
    temporalLoggerOver(logger).log('WARN', `Failing workflow task: ${canary}`, { sdkComponent: 'core' });
    expect(lines.join('')).not.toContain(canary);
    expect(JSON.parse(lines.join(''))).toMatchObject({ level: 'warn', msg: 'temporal core log', sdkComponent: 'core' });
  });
});
