/**
 * The care-episode workflow: the process manager of one episode. It enforces no rule itself. It runs
 * the domain's `decide` (in Update validators, so refusals write nothing), appends what the domain
 * decided through an activity, folds the events into state, and keeps time: one timer for the
 * earliest open deadline, re-armed whenever state changes.
 */
import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type CareEpisodeCommand,
  type CareEpisodeEvent,
  type CareEpisodeState,
  type DueDate,
  decide,
  dueDates,
  evolve,
  initialState,
  isClosed,
  isDomainError,
} from '@careflow/domain';
import {
  type CareEpisodeActivities,
  type CareEpisodeInput,
  type CommandOutcome,
  type EpisodeEventEnvelope,
  clearanceReceivedSignal,
  domainRefusalFailureType,
  episodeDepartmentSearchAttribute,
  episodeNextDueSearchAttribute,
  episodeSnapshotQuery,
  episodeStatusSearchAttribute,
  episodeTherapistSearchAttribute,
  submitCommandUpdate,
} from '@careflow/contracts';

// Both activities are idempotent, so they retry until the event store or directory answers again.
const { appendEpisodeEvents, findRoutingCandidates } = proxyActivities<CareEpisodeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['StreamVersionConflictError', 'EventIdReusedError', 'InvalidAppendError'],
  },
});

/** The system acts for timers and routing; a person acts for everything else. */
const systemActor = { userId: 'careflow-system', role: 'system' } as const;

export async function careEpisode(input: CareEpisodeInput): Promise<CareEpisodeState['status']> {
  const { episodeId, departmentId, settings } = input;
  let state: CareEpisodeState = input.carried?.state ?? initialState;
  let version = input.carried?.version ?? 0;
  /** Set by every append; the main loop re-arms timers and search attributes when it sees it. */
  let changed = false;
  const clearances: CareEpisodeCommand[] = [];
  /** Deadlines already sent to the domain, so a refused one never re-arms a zero-length timer. */
  const settledDeadlines = new Set<string>(input.carried?.settledDeadlines ?? []);
  let publishedSearchAttributes = '';

  // Commands run one at a time: each sees the state the previous one left.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  /** The domain's answer, or the rule's refusal as a non-retryable failure carrying its code. */
  const decideOrRefuse = (command: CareEpisodeCommand): readonly CareEpisodeEvent[] => {
    const decision = decide(command, state, settings);
    if (isDomainError(decision)) {
      throw ApplicationFailure.create({
        type: domainRefusalFailureType,
        message: decision.message,
        nonRetryable: true,
        details: [{ code: decision.code, ...decision.details }],
      });
    }
    return decision;
  };

  const execute = async (command: CareEpisodeCommand, causationId: string): Promise<CommandOutcome> => {
    // Decided again under the queue: an earlier command may have changed state since validation.
    const events = decideOrRefuse(command);
    const envelopes = events.map((event): EpisodeEventEnvelope => envelope(event, causationId));
    if (envelopes.length > 0) {
      const appended = await appendEpisodeEvents({ episodeId, expectedVersion: version, events: envelopes });
      state = events.reduce(evolve, state);
      version = appended.version;
      changed = true;
    }
    return { episodeId, version, events: envelopes.map(({ eventId, type }) => ({ eventId, type })) };
  };

  const envelope = (event: CareEpisodeEvent, causationId: string): EpisodeEventEnvelope => ({
    eventId: timeOrderedEventId(),
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event,
    metadata: {
      actorId: event.actor.userId,
      actorRole: event.actor.role,
      causationId,
      correlationId: episodeId,
      occurredAt: event.occurredAt,
    },
  });

  setHandler(
    submitCommandUpdate,
    (command) => {
      const causationId = `update:${currentUpdateInfo()?.id ?? uuid4()}`;
      return exclusively(() => execute(command, causationId));
    },
    {
      validator: (command) => {
        decideOrRefuse(command);
      },
    },
  );
  setHandler(episodeSnapshotQuery, () => ({ episodeId, departmentId, version, state, dueDates: dueDates(state, settings) }));
  setHandler(clearanceReceivedSignal, (command) => {
    clearances.push(command);
  });

  if (!input.carried) await exclusively(() => execute(input.referral, 'referral'));

  while (!isClosed(state)) {
    await exclusively(() => routeIfWaiting());
    await exclusively(() => applyClearances());
    publishSearchAttributes();
    const next = nextDue();
    changed = false;
    const woken = () => changed || clearances.length > 0;
    if (next === undefined) {
      await condition(woken);
    } else if (!(await condition(woken, msUntil(next)))) {
      settledDeadlines.add(deadlineKey(next));
      await exclusively(() => markDeadlinePassed(next));
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof careEpisode>({
        ...input,
        carried: { state, version, settledDeadlines: [...settledDeadlines] },
      });
    }
  }
  publishSearchAttributes();
  await condition(allHandlersFinished);
  return state.status;

  function nextDue(): DueDate | undefined {
    return dueDates(state, settings)
      .filter((due) => !settledDeadlines.has(deadlineKey(due)))
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt))[0];
  }

  /** Operational lists (status, department, therapist, next due) without PHI; upserted only on change. */
  function publishSearchAttributes(): void {
    const next = nextDue();
    const wanted = JSON.stringify([state.status, state.therapistId, next?.dueAt]);
    if (wanted === publishedSearchAttributes) return;
    publishedSearchAttributes = wanted;
    upsertSearchAttributes([
      { key: episodeStatusSearchAttribute, value: state.status },
      { key: episodeDepartmentSearchAttribute, value: departmentId },
      { key: episodeTherapistSearchAttribute, value: state.therapistId ?? null },
      { key: episodeNextDueSearchAttribute, value: next ? new Date(next.dueAt) : null },
    ]);
  }

  /** A new referral is routed once the department's therapist directory has been read. */
  async function routeIfWaiting(): Promise<void> {
    if (state.status !== 'planned' || state.routing !== undefined) return;
    const candidates = await findRoutingCandidates({ episodeId, departmentId });
    const command: CareEpisodeCommand = {
      type: 'RouteReferral',
      at: nowIso(),
      actor: systemActor,
      therapists: candidates.therapists,
      previousTherapistIds: candidates.previousTherapistIds,
    };
    await executeSystemCommand(command, 'routing');
  }

  async function applyClearances(): Promise<void> {
    for (let command = clearances.shift(); command; command = clearances.shift()) {
      await executeSystemCommand(command, 'ehr-clearance');
    }
  }

  async function markDeadlinePassed(due: DueDate): Promise<void> {
    const command: CareEpisodeCommand = {
      type: 'MarkDeadlinePassed',
      at: nowIso(),
      actor: systemActor,
      deadline: due.kind,
      ...(due.sessionId === undefined ? {} : { sessionId: due.sessionId }),
    };
    await executeSystemCommand(command, `deadline:${due.kind}`);
  }

  /** Commands the workflow sends itself: a refusal is logged (code only) and the episode carries on. */
  async function executeSystemCommand(command: CareEpisodeCommand, causationId: string): Promise<void> {
    const decision = decide(command, state, settings);
    if (isDomainError(decision)) {
      log.warn('system command refused', { command: command.type, code: decision.code });
      return;
    }
    await execute(command, causationId);
  }
}

const nowIso = (): string => new Date().toISOString();

/**
 * A UUIDv7-shaped event id from workflow time and the workflow's seeded uuid4, so it is the same on
 * replay. Time-ordered ids append at the end of the event-id index instead of on a random page,
 * which keeps appends fast on a table with millions of events.
 */
const timeOrderedEventId = (): string => {
  const random = uuid4().replace(/-/g, '');
  const variant = ((parseInt(random.charAt(16), 16) & 0x3) | 0x8).toString(16);
  const hex = `${Date.now().toString(16).padStart(12, '0')}7${random.slice(13, 16)}${variant}${random.slice(17, 32)}`;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
};

const deadlineKey = (due: DueDate): string => `${due.kind}|${due.sessionId ?? ''}|${due.dueAt}`;

/** At least 1 ms: a deadline already passed still fires through a (minimal) timer, never synchronously. */
const msUntil = (due: DueDate): number => Math.max(1, Date.parse(due.dueAt) - Date.now());
