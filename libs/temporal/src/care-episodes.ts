import { createHash } from 'node:crypto';
import { type Client, type WorkflowHandle, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { DepartmentSettings, ReceiveReferral } from '@careflow/domain';
import { type CareEpisodeInput, careEpisodeWorkflowId, careEpisodeWorkflowType } from '@careflow/contracts';

// A fixed namespace for name-based (version 5) UUIDs of episodes.
const episodeNamespace = Buffer.from('6f1d2c3a9b7e4c5d8e2f1a0b3c4d5e6f', 'hex');

/**
 * The episode id a referral gets: a name-based UUID (v5) of the department and the referral id, so
 * the same referral to the same department always names the same episode, two departments may reuse
 * a referral id, and the id reveals nothing about either.
 */
export const episodeIdForReferral = (departmentId: string, referralId: string): string => {
  // JSON of the pair: unambiguous where department and referral id meet.
  const name = JSON.stringify([departmentId, referralId]);
  const hash = createHash('sha1').update(episodeNamespace).update(name, 'utf8').digest();
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x50;
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

export interface StartCareEpisodeOptions {
  readonly taskQueue: string;
  readonly departmentId: string;
  readonly settings: DepartmentSettings;
  readonly referral: Omit<ReceiveReferral, 'episodeId'>;
}

/**
 * Starts the episode for a referral, or finds the one already started for it, running or closed: a
 * referral sent twice (a retried HTTP call, a redelivered Kafka message) never becomes two episodes,
 * and a finished referral never a second one (the id is never reused).
 */
export const startCareEpisode = async (
  client: Client,
  { taskQueue, departmentId, settings, referral }: StartCareEpisodeOptions,
): Promise<{ episodeId: string; handle: WorkflowHandle }> => {
  const episodeId = episodeIdForReferral(departmentId, referral.referral.referralId);
  const input: CareEpisodeInput = { episodeId, departmentId, settings, referral: { ...referral, episodeId } };
  const workflowId = careEpisodeWorkflowId(episodeId);
  try {
    const handle = await client.workflow.start(careEpisodeWorkflowType, {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
    return { episodeId, handle };
  } catch (error) {
    // A closed episode of this referral: the same episode, never a new run.
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { episodeId, handle: client.workflow.getHandle(workflowId) };
    throw error;
  }
};
