import * as f from '../../testing/fixtures';
import { given, malformed } from '../../testing/given-when-then';
import type { CommandOf } from '../commands';
import { outsideSenderRefusal } from '../roles';

describe('a clearance Signal the episode refused', () => {
  const refused: CommandOf<'RecordRefusedClearanceSignal'> = {
    type: 'RecordRefusedClearanceSignal',
    at: f.at('2025-03-05'),
    actor: f.system,
    claimedRole: 'therapist',
    reason: 'not-from-ehr-feed',
  };

  it('is recorded with the role it claimed and why, and changes nothing else', () => {
    const when = given(f.accepted()).when(refused);
    when.then([{ type: 'ClearanceSignalRefused', claimedRole: 'therapist', reason: 'not-from-ehr-feed' }]);
    expect(when.state()).toEqual(given(f.accepted()).history.state);
  });

  it('keeps the code of the rule that refused a clearance from the EHR feed', () => {
    given(f.accepted())
      .when({ ...refused, claimedRole: 'ehr-feed', reason: 'refused-by-rules', refusalCode: 'CONTRAINDICATION_NOT_FOUND' })
      .then([{ type: 'ClearanceSignalRefused', reason: 'refused-by-rules', refusalCode: 'CONTRAINDICATION_NOT_FOUND' }]);
  });

  it('takes no role it does not know, so nothing the sender wrote reaches the record', () => {
    given(f.accepted())
      .when(malformed({ ...refused, claimedRole: 'Jane Doe' }))
      .thenRefused('INVALID_COMMAND');
  });

  it('is written only by the episode itself', () => {
    given(f.accepted())
      .when({ ...refused, actor: f.lead })
      .thenRefused('ROLE_NOT_PERMITTED');
  });
});

describe('a command from outside the episode', () => {
  it('may not be one only the episode sends', () => {
    expect(outsideSenderRefusal('MarkDeadlinePassed', 'department-lead')?.code).toBe('SYSTEM_ONLY_COMMAND');
    expect(outsideSenderRefusal('RecordRefusedClearanceSignal', 'system')?.code).toBe('SYSTEM_ONLY_COMMAND');
  });

  it('may not claim the system role, whatever the command', () => {
    expect(outsideSenderRefusal('EscalateReferral', 'system')?.message).toBe('Only the episode itself acts in the system role.');
  });

  it('is left to the role table otherwise', () => {
    expect(outsideSenderRefusal('EscalateReferral', 'therapist')).toBeUndefined();
  });
});
