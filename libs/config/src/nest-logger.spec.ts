import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { StructuredNestLogger } from './nest-logger';

describe('StructuredNestLogger', () => {
  it('given an exception Nest reports, when logged, then neither its message nor its stack is written', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const canary = 'Zelda Canaryfield';
    new StructuredNestLogger(createLogger('api', 'info', stream)).error(
      `no referral for ${canary}`,
      `Error: ${canary}\n    at x`,
      'ExceptionsHandler',
    );
    expect(lines.join('')).not.toContain(canary);
    expect(JSON.parse(lines.join(''))).toMatchObject({ level: 'error', context: 'ExceptionsHandler' });
  });
});
