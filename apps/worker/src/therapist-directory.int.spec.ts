import { randomUUID } from 'node:crypto';
import { decide, DomainError } from '@careflow/domain';
import * as f from '@careflow/domain/testing';
import { openTestDatabase, type TestDatabase } from '@careflow/event-store/testing';
import { createPostgresTherapistDirectory, type InvalidTherapistProfile } from './therapist-directory';

let db: TestDatabase;

beforeAll(async () => {
  db = await openTestDatabase('worker-therapist-directory', 2);
});

afterAll(async () => {
  await db.close();
});

describe('the PostgreSQL therapist directory', () => {
  const departmentId = `department-${randomUUID()}`;
  const {
    therapistId: _id,
    departmentId: _department,
    activeEpisodeCount: _count,
    ...goodProfile
  } = f.therapistProfile('t-1', {
    availability: 0.8,
  });
  const badProfiles: Record<string, object> = {
    'no-licenses': { ...goodProfile, licenses: 'MD' },
    'availability-out-of-range': { ...goodProfile, availability: 7 },
    'license-without-expiry': { ...goodProfile, licenses: [{ state: 'MD', number: 'L-9' }] },
  };

  beforeAll(async () => {
    const rows = [['good', goodProfile], ...Object.entries(badProfiles)] as const;
    for (const [name, profile] of rows) {
      await db.admin`
        INSERT INTO therapists (therapist_id, department_id, profile)
        VALUES (${`${departmentId}-${name}`}, ${departmentId}, ${db.admin.json(profile as Parameters<typeof db.admin.json>[0])})`;
    }
  });

  afterAll(async () => {
    await db.admin`DELETE FROM therapists WHERE department_id = ${departmentId}`;
  });

  it('skips and reports a therapist whose profile is broken, and routing still offers the others', async () => {
    const reported: InvalidTherapistProfile[] = [];
    const directory = createPostgresTherapistDirectory(db.sql, { reportInvalidProfile: (problem) => reported.push(problem) });

    const candidates = await directory.findRoutingCandidates(departmentId, `episode-${randomUUID()}`);

    expect(candidates.therapists.map((therapist) => therapist.therapistId)).toEqual([`${departmentId}-good`]);
    expect(reported.sort((a, b) => a.therapistId.localeCompare(b.therapistId))).toEqual([
      {
        therapistId: `${departmentId}-availability-out-of-range`,
        departmentId,
        problem: 'therapist.availability must be a number from 0 to 1',
      },
      {
        therapistId: `${departmentId}-license-without-expiry`,
        departmentId,
        problem: 'therapist.licenses[0].expiresOn must be a calendar date (YYYY-MM-DD)',
      },
      { therapistId: `${departmentId}-no-licenses`, departmentId, problem: 'therapist.licenses must be a list of 0 to 60 entries' },
    ]);

    const { state } = f.replay([f.receiveReferral()]);
    const routed = decide(
      f.routeReferral({ therapists: candidates.therapists, previousTherapistIds: candidates.previousTherapistIds }),
      state,
    );
    expect(routed).not.toBeInstanceOf(DomainError);
    expect(routed).toContainEqual(expect.objectContaining({ type: 'TherapistOffered', therapistId: `${departmentId}-good` }));
  });
});
