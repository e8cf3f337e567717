import fc from 'fast-check';
import { DomainError } from '../../errors';
import { maxCommandBytes } from '../../validation';
import { exampleOfEachCommand } from '../../testing/examples';
import * as f from '../../testing/fixtures';
import { given, malformed } from '../../testing/given-when-then';
import { parseCommand } from '../command-schemas';

describe('strict commands', () => {
  it('refuses a referral carrying a field it does not know, naming the field and not its value, and decides nothing', () => {
    const referral = given([]).when(malformed({ ...f.receiveReferral(), referral: { ...f.referral(), ssn: '123-45-6789' } }));
    referral.thenRefused(
      'INVALID_REFERRAL',
      /^The ReceiveReferral command is not valid: command\.referral\.ssn is not a field it knows\.$/,
    );
    expect((referral.result as DomainError).message).not.toContain('123-45-6789');
    expect(Array.isArray(referral.result)).toBe(false);
  });

  it('refuses a field it does not know at the top of a command and deep inside a record', () => {
    given(f.accepted())
      .when(malformed({ ...f.recordIntake(), priority: 'high' }))
      .thenRefused('INVALID_COMMAND', /command\.priority is not a field it knows/);
    given(f.certified())
      .when(
        malformed({
          ...f.recordSession('s-1', '2025-03-07'),
          session: { ...f.sessionDocumentation('2025-03-07'), lines: [{ code: '97140', minutes: 30, bodyRegions: ['neck'], units: 2 }] },
        }),
      )
      .thenRefused('INVALID_COMMAND', /command\.session\.lines\[0\]\.units is not a field it knows/);
  });

  it('refuses any command of any type with one field too many', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.values(exampleOfEachCommand)), fc.constantFrom('ssn', 'note', 'extra_1'), (command, field) => {
        const result = parseCommand({ ...command, [field]: 'x' });
        expect(result).toBeInstanceOf(DomainError);
        expect((result as DomainError).message).toBe(`The ${command.type} command is not valid: command.${field} is not a field it knows.`);
      }),
    );
  });

  it('accepts the example of every command type as it is', () => {
    for (const command of Object.values(exampleOfEachCommand)) expect(parseCommand(command)).toEqual(command);
  });

  it('refuses an instant without an offset: it would be read in the time zone of whichever machine replays it', () => {
    given(f.accepted())
      .when(f.recordIntake({}, '2025-03-04T10:00:00'))
      .thenRefused('INVALID_COMMAND', /command\.at must be an ISO 8601 instant with an offset/);
    given(f.accepted())
      .when(f.recordIntake({}, '2025-03-04T10:00:00+01:00'))
      .then([{ type: 'IntakeRecorded' }]);
  });

  it('refuses a date that is not on the calendar', () =>
    given([])
      .when(f.receiveReferral({ referral: f.referral({ referralDate: '2025-02-29' }) }))
      .thenRefused('INVALID_REFERRAL', /command\.referral\.referralDate must be a calendar date/));

  it('refuses an over-long text, a NUL character and a broken character, naming the field only', () => {
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', { patientFeedback: 'x'.repeat(20_001) }))
      .thenRefused(
        'INVALID_COMMAND',
        /^The RecordSession command is not valid: command\.session\.patientFeedback must be a non-empty text of at most 20000 characters\.$/,
      );
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', { patientFeedback: 'sore\u0000' }))
      .thenRefused('INVALID_COMMAND', /command\.session\.patientFeedback must not contain a NUL character/);
    given(f.certified())
      .when(f.recordSession('s-1', '2025-03-07', { adverseEvents: ['bruise \ud83d'] }))
      .thenRefused(
        'INVALID_COMMAND',
        /command\.session\.adverseEvents\[0\] must not contain a NUL character or a broken \(unpaired\) surrogate/,
      );
  });

  it('refuses an id with a control character: ids end up in logs and stream ids', () =>
    given([])
      .when(f.receiveReferral({ episodeId: 'episode-1\n' }))
      .thenRefused('INVALID_COMMAND', /command\.episodeId must be an identifier/));

  it('refuses a command too large to store, though each of its texts is within bounds', () => {
    const narrative = '\u00e9'.repeat(20_000); // two UTF-8 bytes each
    const report = { ...f.progressReport('r-1', '2025-03-10'), narrative, planChange: narrative };
    expect(parseCommand(report)).not.toBeInstanceOf(DomainError);
    const intake = f.recordIntake({ medicalHistory: Array.from({ length: 100 }, () => '\u20ac'.repeat(500)) });
    given(f.accepted())
      .when(intake)
      .thenRefused(
        'INVALID_COMMAND',
        new RegExp(`^The RecordIntake command is not valid: command must take at most ${maxCommandBytes / 1024} KiB when stored\\.$`),
      );
  });
});
