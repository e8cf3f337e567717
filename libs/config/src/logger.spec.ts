import { Writable } from 'node:stream';
import { createLogger } from './logger';

describe('createLogger', () => {
  const capture = () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    return { lines, stream };
  };

  it('given a domain object logged by mistake, when written, then patient fields are redacted and the app name is kept', () => {
    const { lines, stream } = capture();
    const logger = createLogger('api', 'info', stream);
    logger.info({ referral: { patient: { name: 'Jane Canary', mrn: 'M123' } }, episodeId: 'e-1' }, 'received');
    const line = lines.join('');
    expect(line).not.toContain('Jane Canary');
    expect(line).not.toContain('M123');
    expect(JSON.parse(line)).toMatchObject({ app: 'api', level: 'info', episodeId: 'e-1' });
  });

  it('given a patient name logged at the top level, when written, then it is redacted too', () => {
    const { lines, stream } = capture();
    createLogger('worker', 'info', stream).info({ name: 'Jane Canary', episodeId: 'e-1' }, 'received');
    expect(lines.join('')).not.toContain('Jane Canary');
    expect(JSON.parse(lines.join(''))).toMatchObject({ app: 'worker', name: '[redacted]' });
  });

  it('writes one JSON object per line', () => {
    const { lines, stream } = capture();
    createLogger('worker', 'info', stream).warn({ count: 2 }, 'retrying');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0] ?? '')).not.toThrow();
  });
});
