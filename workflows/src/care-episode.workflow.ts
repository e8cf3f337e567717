/**
 * The care-episode workflow: the process manager of one episode. It enforces no clinical rule itself.
 * It runs the domain's `decide` (in Update validators, so refusals write nothing), appends what the
 * domain decided through an activity, folds the events into state, and keeps time: one timer for the
 * earliest open deadline, re-armed whenever state changes. What to do between commands (route, which
 * deadline, what its passing sends) is the domain's pure process module, which the simulator runs too
 * (docs/simulation.md). What the workflow owns is the border: who may send what from outside, and
 * whether a command's instant is plausible against workflow time.
 */
import {
  type ActivityOptions,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  currentUpdateInfo,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import {
  type CareEpisodeCommand,
  type CareEpisodeEvent,
  type CareEpisodeState,
  type ClearanceSignalRefusalReason,
  type DueDate,
  type GrantClearance,
  DomainError,
  awaitsRouting,
  deadlinePassed,
  decide,
  decideParsed,
  departmentSettingsProblem,
  dueDates,
  evolve,
  initialState,
  isCareRole,
  isClosed,
  isDomainError,
  nextDeadline,
  outsideSenderRefusal,
  parseCommand,
  processActor,
  routeReferral,
  settleDeadline,
  waitForDeadlineMs,
} from '@careflow/domain';
import {
  type CareEpisodeActivities,
  type CareEpisodeInput,
  type CommandOutcome,
  type CommandOptions,
  type EpisodeSnapshot,
  type EpisodeEventEnvelope,
  clearanceReceivedSignal,
  domainRefusalFailureType,
  episodeDepartmentSearchAttribute,
  invalidEpisodeStartFailureType,
  episodeNextDueSearchAttribute,
  episodeSnapshotQuery,
  episodeStatusSearchAttribute,
  episodeTherapistSearchAttribute,
  submitCommandUpdate,
  versionConflictFailureType,
} from '@careflow/contracts/care-episode';

// Both activities are idempotent, so they retry until the event store or directory answers again.
const activityOptions = {
  startToCloseTimeout: '30 seconds',
  retry: {
    initialInterval: '1 second',
    backoffCoefficient: 2,
    maximumInterval: '1 minute',
    nonRetryableErrorTypes: ['StreamVersionConflictError', 'EventIdReusedError', 'InvalidAppendError'],
  },
} satisfies ActivityOptions;

/**
 * They run as local activities: an append is a short idempotent database call, and running it inside
 * the workflow task spares the server an activity task and a second workflow task per command, more than
 * half of its work (docs/architecture.md#local-activities). Episodes whose history began with scheduled
 * activities replay them as such.
 */
const localActivitiesPatch = 'append-through-local-activities';
const localActivities = proxyLocalActivities<CareEpisodeActivities>(activityOptions);
const scheduledActivities = proxyActivities<CareEpisodeActivities>(activityOptions);
const activities = (): CareEpisodeActivities => (patched(localActivitiesPatch) ? localActivities : scheduledActivities);

/** The hospital's EHR interface engine: the only sender the clearance Signal listens to. */
const ehrFeedRole = 'ehr-feed';

/** A command's instant may run ahead of workflow time by the clock drift between hosts, no more. */
const allowedAheadMs = 2 * 60_000;
/**
 * … and behind it by the time an Update takes to arrive. The API stamps `at` from its own clock just
 * before sending, and its caller gives up long before 10 minutes; an older instant was held back or
 * written by hand. Signals are not bounded in the past: they wait in history while no worker runs,
 * and only an instant in the future could make a rule fire early.
 */
const allowedBehindMs = 10 * 60_000;

/** A clearance Signal as it arrived, with workflow time at arrival (it may be applied later). */
interface ReceivedClearance {
  readonly command: GrantClearance;
  readonly receivedAtMs: number;
}

export async function careEpisode(input: CareEpisodeInput): Promise<CareEpisodeState['status']> {
  refuseUntrustedStart(input);
  const { episodeId, departmentId, settings } = input;
  let state: CareEpisodeState = input.carried?.state ?? initialState;
  let version = input.carried?.version ?? 0;
  /** Set by every append; the main loop re-arms timers and search attributes when it sees it. */
  let changed = false;
  const clearances: ReceivedClearance[] = [];
  /** Deadlines already sent to the domain, so a refused one never re-arms a zero-length timer. */
  let settledDeadlines: ReadonlySet<string> = new Set(input.carried?.settledDeadlines ?? []);
  let publishedSearchAttributes = '';

  // Commands run one at a time: each sees the state the previous one left.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusively = <T>(work: () => Promise<T>): Promise<T> => {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  };

  /**
   * The domain's answer, or the rule's refusal as a non-retryable failure carrying its code. A fault
   * in `decide` (a throw) is not a refusal: it propagates and fails the workflow task, which Temporal
   * retries until the fault is fixed, so no command is lost or half-decided.
   */
  const decideOrRefuse = (command: CareEpisodeCommand): readonly CareEpisodeEvent[] => {
    const decision = decide(command, state, settings);
    if (isDomainError(decision)) throw refusalFailure(decision);
    return decision;
  };

  /**
   * The Update validator: the border checks, then the domain. A fault in the domain is not the
   * sender's doing, so it is not turned into a rejection (which would drop the command and show the
   * fault's text to the sender): the Update is accepted and the handler, deciding again, hits the
   * fault and fails the workflow task.
   */
  const validateFromOutside = (value: unknown, options?: CommandOptions): void => {
    refuseIfStale(options);
    let refusal: DomainError | undefined;
    try {
      const parsed = parseCommand(value);
      const decision = isDomainError(parsed)
        ? parsed
        : (outsideSenderRefusal(parsed.type, parsed.actor.role) ??
          instantRefusal(parsed, { aheadMs: allowedAheadMs, behindMs: allowedBehindMs }) ??
          decideParsed(parsed, state, settings));
      const updateId = currentUpdateInfo()?.id;
      if (isDomainError(decision)) refusal = decision;
      else if (updateId !== undefined) decidedOnValidation.set(updateId, { version, events: decision });
    } catch {
      return;
    }
    if (refusal) throw refusalFailure(refusal);
  };

  /**
   * What each accepted Update's validation decided, and at which version: its handler takes it when
   * nothing was appended in between (the usual case) instead of deciding a second time.
   */
  const decidedOnValidation = new Map<string, { readonly version: number; readonly events: readonly CareEpisodeEvent[] }>();

  const execute = async (
    command: CareEpisodeCommand,
    causationId: string,
    decided?: readonly CareEpisodeEvent[],
  ): Promise<CommandOutcome> => {
    const events = decided ?? decideOrRefuse(command);
    const envelopes = events.map((event): EpisodeEventEnvelope => envelope(event, causationId));
    if (envelopes.length === 0) return { episodeId, version, events: [] };
    const appended = await activities().appendEpisodeEvents({ episodeId, expectedVersion: version, events: envelopes });
    // What an earlier attempt of this step wrote is what the store and every consumer hold.
    const recorded = appended.earlierAttempt ?? envelopes;
    state = recorded.map(({ data }) => data).reduce(evolve, state);
    version = appended.version;
    changed = true;
    return { episodeId, version, events: recorded.map(({ eventId, type }) => ({ eventId, type })) };
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
      departmentId,
      occurredAt: event.occurredAt,
    },
  });

  setHandler(
    submitCommandUpdate,
    (command, options) => {
      const updateId = currentUpdateInfo()?.id;
      const causationId = `update:${updateId ?? uuid4()}`;
      return exclusively(async () => {
        // Checked again under the queue: a command accepted before this one may have moved the version.
        refuseIfStale(options);
        const validated = updateId === undefined ? undefined : decidedOnValidation.get(updateId);
        if (updateId !== undefined) decidedOnValidation.delete(updateId);
        // Decided again when an earlier command has changed the episode since validation.
        const outcome = await execute(command, causationId, validated?.version === version ? validated.events : undefined);
        return options?.withSnapshot === true ? { ...outcome, snapshot: snapshot() } : outcome;
      });
    },
    { validator: validateFromOutside },
  );
  setHandler(episodeSnapshotQuery, snapshot);
  setHandler(clearanceReceivedSignal, (command) => {
    clearances.push({ command, receivedAtMs: Date.now() });
  });

  if (!input.carried) {
    // Not bounded in the past: a start waits for a worker as long as workers are down.
    const refusal = instantRefusal(input.referral, { aheadMs: allowedAheadMs, behindMs: Number.POSITIVE_INFINITY });
    if (refusal) throw refusalFailure(refusal);
    await exclusively(() => execute(input.referral, 'referral'));
  }

  while (!isClosed(state)) {
    await exclusively(() => routeIfWaiting());
    await exclusively(() => applyClearances());
    publishSearchAttributes();
    // An Update that waited for routing or a clearance has run by now and may have closed the episode.
    if (isClosed(state)) break;
    const next = nextDue();
    changed = false;
    const woken = () => changed || clearances.length > 0;
    if (next === undefined) {
      await condition(woken);
    } else if (!(await condition(woken, waitForDeadlineMs(next, Date.now())))) {
      settledDeadlines = settleDeadline(settledDeadlines, next);
      await exclusively(() => executeSystemCommand(deadlinePassed(next, nowIso()), `deadline:${next.kind}`));
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

  /** A command decided on an older version of the episode (If-Match) is refused, and nothing is written. */
  function refuseIfStale(options: CommandOptions | undefined): void {
    const expected = options?.expectedVersion;
    if (expected === undefined || expected === version) return;
    throw ApplicationFailure.create({
      type: versionConflictFailureType,
      message: 'The episode changed since the version this command was decided on; read it again.',
      nonRetryable: true,
    });
  }

  function snapshot(): EpisodeSnapshot {
    return { episodeId, departmentId, version, state, dueDates: dueDates(state, settings) };
  }

  function nextDue(): DueDate | undefined {
    return nextDeadline(state, settings, settledDeadlines);
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
    if (!awaitsRouting(state)) return;
    const candidates = await activities().findRoutingCandidates({ episodeId, departmentId });
    await executeSystemCommand(routeReferral(nowIso(), candidates), 'routing');
  }

  /** Each clearance Signal is applied, or its refusal recorded on the episode: none is dropped unseen. */
  async function applyClearances(): Promise<void> {
    for (let received = clearances.shift(); received; received = clearances.shift()) {
      const refused = clearanceRefusal(received);
      if (refused === undefined) {
        await execute(received.command, 'ehr-clearance');
        continue;
      }
      log.warn('clearance signal refused', { reason: refused.reason, code: refused.refusalCode });
      const command: CareEpisodeCommand = { type: 'RecordRefusedClearanceSignal', at: nowIso(), actor: processActor, ...refused };
      await executeSystemCommand(command, 'ehr-clearance-refused');
    }
  }

  /** Why a clearance Signal cannot be applied: not a clearance, not from the EHR feed, from the future, or a rule. */
  function clearanceRefusal({ command, receivedAtMs }: ReceivedClearance): ClearanceRefusal | undefined {
    const parsed = parseCommand(command);
    const claimedRole = claimedRoleOf(command);
    const refusedFor = (reason: ClearanceSignalRefusalReason, refusal?: DomainError): ClearanceRefusal => ({
      claimedRole,
      reason,
      ...(refusal === undefined ? {} : { refusalCode: refusal.code }),
    });
    if (isDomainError(parsed) || parsed.type !== 'GrantClearance') return refusedFor('not-a-clearance');
    if (parsed.actor.role !== ehrFeedRole) return refusedFor('not-from-ehr-feed');
    if (instantRefusal(parsed, { aheadMs: allowedAheadMs, behindMs: Number.POSITIVE_INFINITY }, receivedAtMs)) {
      return refusedFor('implausible-time');
    }
    const refusal = asRefusal(decideParsed(parsed, state, settings));
    return refusal ? refusedFor('refused-by-rules', refusal) : undefined;
  }

  /** Commands the workflow sends itself: a refusal is logged (code only) and the episode carries on. */
  async function executeSystemCommand(command: CareEpisodeCommand, causationId: string): Promise<void> {
    const decision = decide(command, state, settings);
    if (isDomainError(decision)) {
      log.warn('system command refused', { command: command.type, code: decision.code });
      return;
    }
    await execute(command, causationId, decision);
  }
}

type ClearanceRefusal = Pick<
  Extract<CareEpisodeCommand, { type: 'RecordRefusedClearanceSignal' }>,
  'claimedRole' | 'reason' | 'refusalCode'
>;

const nowIso = (): string => new Date().toISOString();

const asRefusal = (decision: readonly CareEpisodeEvent[] | DomainError): DomainError | undefined =>
  isDomainError(decision) ? decision : undefined;

const refusalFailure = (refusal: DomainError): ApplicationFailure =>
  ApplicationFailure.create({
    type: domainRefusalFailureType,
    message: refusal.message,
    nonRetryable: true,
    details: [{ code: refusal.code, ...refusal.details }],
  });

/**
 * A command's instant against workflow time (`nowMs`, by default the current workflow time). Clinical
 * dates inside a command (a session's date, a signature date) are the clinician's and are not judged here.
 */
const instantRefusal = (
  command: CareEpisodeCommand,
  allowed: { readonly aheadMs: number; readonly behindMs: number },
  nowMs: number = Date.now(),
): DomainError | undefined => {
  const offsetMs = Date.parse(command.at) - nowMs;
  if (offsetMs > allowed.aheadMs) {
    return new DomainError(
      'IMPLAUSIBLE_COMMAND_TIME',
      `The ${command.type} command is dated in the future; check the sending computer's clock.`,
      {
        commandType: command.type,
      },
    );
  }
  if (-offsetMs > allowed.behindMs) {
    return new DomainError(
      'IMPLAUSIBLE_COMMAND_TIME',
      `The ${command.type} command is dated too far in the past to be recorded now; send it again.`,
      {
        commandType: command.type,
      },
    );
  }
  return undefined;
};

/** The role a Signal claimed, kept only when it is one Careflow knows: anything else could carry PHI. */
const claimedRoleOf = (command: unknown): ClearanceRefusal['claimedRole'] => {
  const role = (command as { actor?: { role?: unknown } } | null)?.actor?.role;
  return typeof role === 'string' && isCareRole(role) ? role : 'unknown';
};

/** Department ids appear in search attributes and logs: short, plain, never a name. */
const departmentIdPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * The start input is written by whoever starts the workflow: settings and department must be sound,
 * and carried state (which skips the referral and every rule that built it) is accepted only from a
 * run of this episode that continued as new. The messages name the problem, never a value.
 */
const refuseUntrustedStart = (input: CareEpisodeInput): void => {
  const refuse = (message: string): never => {
    throw ApplicationFailure.create({ type: invalidEpisodeStartFailureType, message, nonRetryable: true });
  };
  const settingsProblem = departmentSettingsProblem(input.settings);
  if (settingsProblem !== undefined) refuse(`The episode cannot start: the department's ${settingsProblem}.`);
  if (typeof input.departmentId !== 'string' || !departmentIdPattern.test(input.departmentId)) {
    refuse('The episode cannot start: the department id is missing or not a plain id.');
  }
  if (input.carried !== undefined && workflowInfo().continuedFromExecutionRunId === undefined) {
    refuse('The episode cannot start from carried state: only a run that continued as new may carry state.');
  }
};

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
