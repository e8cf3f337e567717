/**
 * The care-episode workflow's public surface, shared by the API (client side), the worker and the
 * workflow itself: its name, input, Updates, Queries, Signals, search attributes and the activities it
 * calls. Nothing here carries PHI in names or keys.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import type {
  CareEpisodeCommand,
  CareEpisodeEvent,
  CareEpisodeState,
  DepartmentSettings,
  DueDate,
  GrantClearance,
  ReceiveReferral,
  TherapistProfile,
} from '@careflow/domain';

export const careEpisodeWorkflowType = 'careEpisode';
export const careEpisodeTaskQueue = 'care-episodes';

/** Workflow id of an episode: the opaque episode id, so ids and search never reveal who the patient is. */
export const careEpisodeWorkflowId = (episodeId: string): string => `episode-${episodeId}`;

export interface CareEpisodeInput {
  readonly episodeId: string;
  readonly departmentId: string;
  readonly settings: DepartmentSettings;
  readonly referral: ReceiveReferral;
  /** Present only after continue-as-new: the folded state instead of the history. */
  readonly carried?: CarriedEpisode;
}

export interface CarriedEpisode {
  readonly state: CareEpisodeState;
  /** Number of events in the episode's stream (its current version). */
  readonly version: number;
  /** Deadlines already sent to the domain (kind|session|due), so none fires twice. */
  readonly settledDeadlines: readonly string[];
}

export interface EpisodeSnapshot {
  readonly episodeId: string;
  readonly departmentId: string;
  readonly version: number;
  readonly state: CareEpisodeState;
  readonly dueDates: readonly DueDate[];
}

/** What an accepted command produced; `version` is the stream version after the append. */
export interface CommandOutcome {
  readonly episodeId: string;
  readonly version: number;
  readonly events: ReadonlyArray<{ readonly eventId: string; readonly type: CareEpisodeEvent['type'] }>;
}

/**
 * The Update's answer: the outcome and, when asked for, the episode as this command left it, so a caller
 * answering with the new state needs no Query after it (a round trip through the server and the worker).
 */
export interface SubmittedCommand extends CommandOutcome {
  readonly snapshot?: EpisodeSnapshot;
}

/** What the sender of a command asks of the episode. */
export interface CommandOptions {
  /** The version the sender read (HTTP `If-Match`): the command is refused once the episode has moved on. */
  readonly expectedVersion?: number;
  /** Answer with the snapshot. It is stored with the answer in the history, so only callers that show it ask. */
  readonly withSnapshot?: boolean;
}

/**
 * Every command reaches the episode as this Update. Its validator runs the domain's `decide`, so a
 * refused command is rejected with the rule's code and message and nothing is written.
 */
export const submitCommandUpdate = defineUpdate<SubmittedCommand, [CareEpisodeCommand, CommandOptions?]>('submitCommand');
export const episodeSnapshotQuery = defineQuery<EpisodeSnapshot>('episodeSnapshot');
/**
 * A clearance from the hospital's EHR feed (actor role `ehr-feed`): the sender needs no answer, so it
 * is a Signal. Anything else sent here is not applied; its refusal is recorded on the episode.
 */
export const clearanceReceivedSignal = defineSignal<[GrantClearance]>('clearanceReceived');

/** The failure `type` an Update carries when the domain refuses a command; `details[0]` has code and data. */
export const domainRefusalFailureType = 'DomainRefusal';
/** The failure `type` an Update carries when the episode is no longer at the version the command expected. */
export const versionConflictFailureType = 'EpisodeVersionConflict';
/** The failure `type` of a workflow whose start input cannot be trusted (settings, department, carried state). */
export const invalidEpisodeStartFailureType = 'InvalidEpisodeStart';

export const episodeStatusSearchAttribute = defineSearchAttributeKey('CareflowStatus', SearchAttributeType.KEYWORD);
export const episodeDepartmentSearchAttribute = defineSearchAttributeKey('CareflowDepartment', SearchAttributeType.KEYWORD);
export const episodeTherapistSearchAttribute = defineSearchAttributeKey('CareflowTherapist', SearchAttributeType.KEYWORD);
export const episodeNextDueSearchAttribute = defineSearchAttributeKey('CareflowNextDue', SearchAttributeType.DATETIME);

/** One event as the workflow hands it to the event store: id chosen in the workflow, so retries are idempotent. */
export interface EpisodeEventEnvelope {
  readonly eventId: string;
  readonly type: CareEpisodeEvent['type'];
  readonly schemaVersion: number;
  readonly data: CareEpisodeEvent;
  readonly metadata: {
    readonly actorId: string;
    readonly actorRole: string;
    /** The command (update id or deadline) that caused the event. */
    readonly causationId: string;
    /** The episode's workflow run family: one correlation id per episode. */
    readonly correlationId: string;
    readonly departmentId: string;
    readonly occurredAt: string;
  };
}

export interface AppendEpisodeEventsInput {
  readonly episodeId: string;
  readonly expectedVersion: number;
  readonly events: readonly EpisodeEventEnvelope[];
}

export interface RoutingCandidates {
  readonly therapists: readonly TherapistProfile[];
  /** Therapists who treated this patient before, for continuity; resolved by the directory, not the workflow. */
  readonly previousTherapistIds: readonly string[];
}

/** Activities the care-episode workflow calls. The worker implements them with createActivities(deps). */
/** The stream version after an append; `earlierAttempt` when an earlier attempt of the same step had appended. */
export interface AppendedEpisodeEvents {
  readonly version: number;
  /**
   * The events an earlier attempt of this very step wrote (same causation, right after the expected
   * version). A local activity's input is not recorded before it runs: when a worker dies after its
   * append committed, the attempt that replaces it decides again at a later workflow time, with other
   * event ids and instants. The episode takes what was written, which is what every consumer saw.
   */
  readonly earlierAttempt?: readonly EpisodeEventEnvelope[];
}

export interface CareEpisodeActivities {
  appendEpisodeEvents(input: AppendEpisodeEventsInput): Promise<AppendedEpisodeEvents>;
  findRoutingCandidates(input: { readonly episodeId: string; readonly departmentId: string }): Promise<RoutingCandidates>;
}
