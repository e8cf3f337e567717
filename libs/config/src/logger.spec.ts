import { Writable } from 'node:stream';
import { createLogger, routeProcessWarnings } from './logger';

/** A stream that keeps what the logger wrote. */
const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream, text: () => lines.join('') };
};

describe('createLogger', () => {
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

describe('createLogger keeps PHI out of log lines', () => {
  const canary = 'Zelda Canaryfield';

  it('given PHI nested four levels deep, when logged, then it is redacted', () => {
    const { stream, text } = capture();
    createLogger('worker', 'info', stream).info({ episode: { state: { intake: { patient: { name: canary } } } }, episodeId: 'e-1' }, 'x');
    expect(text()).not.toContain(canary);
    expect(JSON.parse(text())).toMatchObject({ episodeId: 'e-1' });
  });

  it('given a field that is not on the allow-list, whatever its name, when logged, then its value is replaced', () => {
    const { stream, text } = capture();
    createLogger('worker', 'info', stream).info({ comment: canary, count: 3, workflowId: 'w-1' }, 'x');
    expect(JSON.parse(text())).toMatchObject({ comment: '[redacted]', count: 3, workflowId: 'w-1' });
  });

  it('given an error whose message quotes the data, when logged as err or alone, then only its name and code are kept', () => {
    const { lines, stream } = capture();
    const logger = createLogger('worker', 'info', stream);
    const error = Object.assign(new TypeError(`bad patient ${canary}`), { code: '23514', detail: `Failing row contains (${canary})` });
    logger.error({ err: error }, 'append failed');
    logger.error(error);
    logger.error({ failure: error }, 'append failed');
    expect(lines.join('')).not.toContain(canary);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ err: { type: 'TypeError', code: '23514' }, msg: 'append failed' });
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ err: { type: 'TypeError' }, msg: 'TypeError' });
  });

  it('given printf-style arguments, when logged, then they do not reach the message', () => {
    const { stream, text } = capture();
    (createLogger('api', 'info', stream).info as (message: string, ...rest: unknown[]) => void)('received %s', canary);
    expect(text()).not.toContain(canary);
  });

  it('given a child logger bound to a value off the allow-list, when it logs, then the value is replaced', () => {
    const { stream, text } = capture();
    createLogger('api', 'info', stream).child({ patientName: canary, episodeId: 'e-2' }).info('x');
    expect(text()).not.toContain(canary);
    expect(JSON.parse(text())).toMatchObject({ episodeId: 'e-2', app: 'api' });
  });
});

describe('createLogger keeps the codec audit trail', () => {
  it('given a codec access record, when logged, then every field of it is written', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const audit = {
      operation: 'decode',
      subject: 'user-7',
      namespace: 'default',
      payloadCount: 2,
      outcome: 'succeeded',
      purpose: 'operations',
      client: '127.0.0.1',
    };
    createLogger('api', 'info', stream).info({ audit }, 'codec access');
    expect(JSON.parse(lines.join(''))).toMatchObject({ audit, msg: 'codec access' });
  });
});

describe('routeProcessWarnings', () => {
  const canary = 'Zelda Canaryfield';
  it("given a process warning whose text quotes the data, when routed, then it is logged by name and code through the app's logger", () => {
    const { stream, text } = capture();
    const listeners = process.listeners('warning');
    try {
      routeProcessWarnings(createLogger('relay', 'info', stream));
      // Node's own printing listener is gone; ours is the only one (jest's process does not deliver emitWarning).
      const [listener, ...others] = process.listeners('warning');
      expect(others).toEqual([]);
      listener?.(Object.assign(new Error(`negative timeout for ${canary}`), { name: 'TimeoutNegativeWarning', code: 'CAREFLOW_TEST' }));
      expect(JSON.parse(text())).toMatchObject({
        level: 'warn',
        type: 'TimeoutNegativeWarning',
        code: 'CAREFLOW_TEST',
        msg: 'node warning',
      });
      expect(text()).not.toContain(canary);
    } finally {
      process.removeAllListeners('warning');
      for (const listener of listeners) process.on('warning', listener);
    }
  });
});
