import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { Sql } from 'postgres';
import { decideAccess } from '@careflow/auth';
import { SQL } from '@careflow/platform';
import { callerOf, describeTarget, requestState } from './caller';
import { notFound } from './problem';

/** An episode as the registry knows it (migration 0009's `episodes`). */
export interface RegisteredEpisode {
  readonly episodeId: string;
  readonly departmentId: string;
  readonly referralId: string;
  readonly patientKey: string;
}

// Episode ids are name-based UUIDs (episodeIdForReferral); anything else names no episode.
const episodeIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export const isEpisodeId = (value: string): boolean => episodeIdPattern.test(value);

/**
 * Department scoping of every object (docs/api.md): a route asks here for the episode or department it
 * acts on. Unknown and other-department objects get the same 404; the audit record says which it was.
 */
@Injectable()
export class EpisodeAccess {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** The episode, when the caller may do the route's operation on it; 404 otherwise. */
  async episode(request: Request, episodeId: string): Promise<RegisteredEpisode> {
    if (!isEpisodeId(episodeId)) throw notFound('episode');
    describeTarget(request, { resourceType: 'episode', resourceId: episodeId });
    const [row] = await this.sql<{ department_id: string; referral_id: string; patient_key: string }[]>`
      SELECT department_id, referral_id, patient_key FROM episodes WHERE episode_id = ${episodeId}`;
    if (row === undefined) throw notFound('episode');
    describeTarget(request, { departmentId: row.department_id, patientKey: row.patient_key });
    this.department(request, row.department_id, 'episode');
    return { episodeId, departmentId: row.department_id, referralId: row.referral_id, patientKey: row.patient_key };
  }

  /** Passes when the caller may do the route's operation in the department; 404 (never 403) otherwise. */
  department(request: Request, departmentId: string, what = 'department'): void {
    const state = requestState(request);
    if (state.operation === undefined) throw new Error('department scoping on a route without @Operation');
    describeTarget(request, { departmentId });
    const decision = decideAccess(callerOf(request), state.operation.name, departmentId);
    if (decision.allowed) return;
    throw notFound(what, decision.reason);
  }
}
