import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import {
  ApplicationFailure,
  type Client,
  type WorkflowHandle,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { decideAccess } from '@careflow/auth';
import {
  careEpisodeWorkflowId,
  domainRefusalFailureType,
  type CommandOptions,
  type EpisodeSnapshot,
  type SubmittedCommand,
  episodeSnapshotQuery,
  submitCommandUpdate,
  versionConflictFailureType,
} from '@careflow/contracts';
import { type CareEpisodeCommand, type CareEpisodeCommandType, commandSchemas } from '@careflow/domain';
import {
  callerOf,
  conflict,
  EpisodeAccess,
  fieldProblems,
  invalidRequest,
  ProblemException,
  ruleRefusal,
  serviceUnavailable,
} from '../http';
import { TEMPORAL_CLIENT } from '../services';
import { IdempotencyKeys } from './idempotency';

/** How long a command waits for a just-referred episode to record its referral. */
const startingEpisodeWaitMs = 3_000;

/** Fields the server stamps; a body that sends them is refused rather than silently overwritten. */
const stampedFields = ['type', 'at', 'actor', 'episodeId'] as const;

/** The answer to a command: the episode's state after it, less what the caller's role may not read. */
export type CommandAnswer =
  EpisodeSnapshot | (Pick<EpisodeSnapshot, 'episodeId' | 'departmentId' | 'version' | 'dueDates'> & { status: string });

// The expected version a client may send (If-Match: "7"), to refuse a command decided on a stale view.
const ifMatchPattern = /^(?:W\/)?"(\d{1,9})"$/;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One episode command over HTTP (docs/api.md, "Episode commands"): the episode must be of the caller's
 * department (404), the body is the command without what the server stamps (actor from the token,
 * `at` from the server's clock), checked with the domain's schema (400 naming every field), sent as the
 * workflow's Update (the domain's refusal is 422 with its code), and answered with the new state.
 */
@Injectable()
export class EpisodeCommands {
  constructor(
    private readonly access: EpisodeAccess,
    private readonly idempotency: IdempotencyKeys,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
  ) {}

  async execute(type: CareEpisodeCommandType, episodeId: string, body: unknown, request: Request): Promise<CommandAnswer> {
    const caller = callerOf(request);
    const episode = await this.access.episode(request, episodeId);
    const key = this.idempotency.keyOf(request.headers['idempotency-key']);
    const requestHash = key === undefined ? undefined : this.idempotency.requestHash(request.method, request.path, body);
    if (key !== undefined && requestHash !== undefined) {
      const stored = await this.idempotency.find(caller.userId, key, requestHash);
      if (stored !== undefined) return stored.answer as CommandAnswer;
    }

    const command = this.commandOf(type, body, caller);
    const handle = this.temporal.workflow.getHandle(careEpisodeWorkflowId(episode.episodeId));
    const expectedVersion = this.expectedVersion(request.headers['if-match']);
    const updateId = key === undefined ? undefined : this.idempotency.updateIdOf(caller.userId, key);
    const submitted = await this.submit(handle, command, expectedVersion, updateId);
    // An Update deduplicated by its id against one sent before answers carried snapshots has none.
    const snapshot = submitted.snapshot ?? (await handle.query(episodeSnapshotQuery));
    const answer = this.minimumNecessary(snapshot, request);
    if (key !== undefined && requestHash !== undefined) {
      await this.idempotency.store(caller.userId, key, requestHash, { status: HttpStatus.OK, answer });
    }
    return answer;
  }

  /**
   * The registry row exists, so the episode took its referral; an Update that reaches the workflow
   * before it has recorded the referral is refused with EPISODE_NOT_STARTED, and is sent again for a
   * moment instead of refusing the client (a rejected Update leaves nothing in the history).
   */
  private async submit(
    handle: WorkflowHandle,
    command: CareEpisodeCommand,
    expectedVersion: number | undefined,
    updateId: string | undefined,
  ): Promise<SubmittedCommand> {
    const deadline = Date.now() + startingEpisodeWaitMs;
    // The workflow compares the version under its command queue, so two commands sent on one version
    // cannot both pass (docs/api.md, Concurrency).
    const options: CommandOptions = { withSnapshot: true, ...(expectedVersion === undefined ? {} : { expectedVersion }) };
    for (;;) {
      try {
        return await handle.executeUpdate(submitCommandUpdate, {
          args: [command, options],
          ...(updateId === undefined ? {} : { updateId }),
        });
      } catch (error) {
        const problem = this.problemOf(error);
        const starting = problem instanceof ProblemException && problem.problem.code === 'EPISODE_NOT_STARTED';
        if (!starting || Date.now() >= deadline) throw problem;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  }

  private commandOf(type: CareEpisodeCommandType, body: unknown, caller: { userId: string; role: string }): CareEpisodeCommand {
    if (!isObject(body)) throw invalidRequest([{ path: '(body)', problem: 'must be a JSON object' }]);
    const stamped = stampedFields.filter((field) => field in body);
    if (stamped.length > 0) {
      throw invalidRequest(stamped.map((field) => ({ path: field, problem: 'is set by the server; leave it out' })));
    }
    const command: unknown = { ...body, type, at: new Date().toISOString(), actor: { userId: caller.userId, role: caller.role } };
    const parsed = commandSchemas[type].safeParse(command);
    if (!parsed.success) throw invalidRequest(fieldProblems(parsed.error));
    return parsed.data as CareEpisodeCommand;
  }

  private expectedVersion(header: string | undefined): number | undefined {
    if (header === undefined) return undefined;
    const version = ifMatchPattern.exec(header)?.[1];
    if (version === undefined)
      throw invalidRequest([{ path: 'header if-match', problem: 'must be the episode version in quotes, e.g. "7"' }]);
    return Number(version);
  }

  /** Billing and schedulers see the state's shape (status, due dates), not its clinical records. */
  private minimumNecessary(snapshot: EpisodeSnapshot, request: Request): CommandAnswer {
    const caller = callerOf(request);
    if (decideAccess(caller, 'episode:note-text', snapshot.departmentId).allowed) return snapshot;
    const { episodeId, departmentId, version, dueDates, state } = snapshot;
    return { episodeId, departmentId, version, dueDates, status: state.status };
  }

  private problemOf(error: unknown): Error {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause;
      if (cause instanceof ApplicationFailure && cause.type === domainRefusalFailureType) {
        const [details] = cause.details ?? [];
        const code = isObject(details) && typeof details['code'] === 'string' ? details['code'] : 'REFUSED';
        return ruleRefusal(code, cause.message);
      }
      if (cause instanceof ApplicationFailure && cause.type === versionConflictFailureType) {
        return conflict('version-conflict', cause.message);
      }
    }
    // The episode's workflow has ended: a closed episode takes no more commands.
    if (error instanceof WorkflowNotFoundError) return ruleRefusal('EPISODE_CLOSED', 'The episode is closed; it takes no more commands.');
    if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
      return serviceUnavailable(
        'episode-busy',
        'The episode did not answer in time; send the command again with the same Idempotency-Key.',
      );
    }
    return error instanceof Error ? error : new Error('the update failed');
  }
}
