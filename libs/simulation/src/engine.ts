/**
 * The discrete-event loop (docs/simulation.md). One virtual clock, one queue of things that happen
 * at an instant, and for every episode the domain's `decide`/`evolve` and the domain's process
 * module exactly as the workflow runs them: after every change, route if the referral waits for
 * routing, then wait for the next deadline, whose passing sends `MarkDeadlinePassed`. Everything
 * else is behaviour (who answers an offer, when a physician signs, whether the patient comes), drawn
 * from a seeded random source. No rule is decided here: a refusal is the domain's, and the
 * simulated clinic reacts to it as a clinic would.
 */
import {
  type CareEpisodeCommand,
  type CareEpisodeEvent,
  type CareEpisodeState,
  type DepartmentSettings,
  type DomainError,
  type DueDate,
  type IsoDate,
  type SettledDeadlines,
  type TherapistProfile,
  addDays,
  awaitsRouting,
  deadlinePassed,
  decide,
  defaultDepartmentSettings,
  evolve,
  initialState,
  isClosed,
  isDomainError,
  nextDeadline,
  noSettledDeadlines,
  routeReferral,
  settleDeadline,
  waitForDeadlineMs,
} from '@careflow/domain';
import { atLocalHour, iso, localDay, msPerDay, msPerHour, weekdayOf } from './clock';
import { type Behaviour, type ReferralKind, type StaffingPlan, type TherapistPlan, type TreatmentResponse, defaultBehaviour } from './plan';
import { type Random, seededRandom } from './random';

export interface SimulationOptions {
  readonly seed: number;
  readonly episodes: number;
  readonly plan: StaffingPlan;
  /** The first department day referrals arrive on. */
  readonly startDate: IsoDate;
  /** Referrals arrive over this many days (a quarter by default). */
  readonly arrivalDays?: number;
  /** The clock stops this many days after the start even if episodes are still open. */
  readonly horizonDays?: number;
  readonly behaviour?: Behaviour;
  readonly settings?: DepartmentSettings;
  /** Prefix of every generated id, so two runs on one server never share an episode. */
  readonly idPrefix?: string;
  /** Called once per simulated day. */
  readonly onDay?: (day: number, days: number) => void;
}

/** One command as the simulated episode sent it, and what the domain answered. */
export interface TraceEntry {
  readonly atMs: number;
  /** `outside`: a person or system outside the episode; `process`: the episode's own process (routing, deadlines). */
  readonly by: 'outside' | 'process';
  readonly command: CareEpisodeCommand;
  readonly outcome: { readonly events: readonly string[] } | { readonly refused: DomainError['code'] };
}

export interface SimulatedEpisode {
  readonly episodeId: string;
  readonly kind: ReferralKind;
  readonly payer: 'medicare-like' | 'commercial';
  readonly response: TreatmentResponse;
  readonly referredAtMs: number;
  readonly referralDate: IsoDate;
  firstVisit?: IsoDate;
  state: CareEpisodeState;
  readonly events: CareEpisodeEvent[];
  readonly trace: TraceEntry[];
}

export interface CaseloadSample {
  readonly date: IsoDate;
  readonly therapistId: string;
  readonly caseload: number;
}

export interface SimulationRun {
  readonly options: SimulationOptions;
  readonly settings: DepartmentSettings;
  readonly episodes: readonly SimulatedEpisode[];
  readonly caseloads: readonly CaseloadSample[];
  readonly endDate: IsoDate;
}

/** Mutable bookkeeping of one episode, beside what the simulation reports. */
interface Running {
  readonly episode: SimulatedEpisode;
  readonly random: Random;
  settled: SettledDeadlines;
  /** Bumped whenever the process re-arms its timer, so a timer armed before is ignored. */
  timer: number;
  /** The patient's pain rating (NPRS) now; the plan's goal is 2. */
  pain: number;
  readonly baseline: number;
  visits: number;
  readonly plannedVisits: number;
  /** Lead reviews since the referral was escalated; the lead declines after a month of them. */
  reviews: number;
}

interface Scheduled {
  readonly atMs: number;
  readonly order: number;
  readonly run: () => void;
}

/** A binary heap ordered by instant, then by the order things were scheduled (so runs repeat exactly). */
class Agenda {
  private readonly heap: Scheduled[] = [];
  private scheduled = 0;

  at(atMs: number, run: () => void): void {
    this.heap.push({ atMs, order: this.scheduled++, run });
    let index = this.heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  next(): Scheduled | undefined {
    const top = this.heap[0];
    const last = this.heap.pop();
    if (top === undefined || last === undefined || this.heap.length === 0) return top;
    this.heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < this.heap.length && this.before(left, smallest)) smallest = left;
      if (right < this.heap.length && this.before(right, smallest)) smallest = right;
      if (smallest === index) return top;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  private before(a: number, b: number): boolean {
    const [x, y] = [this.heap[a], this.heap[b]];
    if (x === undefined || y === undefined) return false;
    return x.atMs === y.atMs ? x.order < y.order : x.atMs < y.atMs;
  }

  private swap(a: number, b: number): void {
    const x = this.heap[a];
    const y = this.heap[b];
    if (x === undefined || y === undefined) return;
    [this.heap[a], this.heap[b]] = [y, x];
  }
}

const lead = { userId: 'user-sim-lead', role: 'department-lead' } as const;
const physician = { name: 'Dr. Referrer', npi: '1234567893', credential: 'MD' } as const;
const licensedUntil = '2099-12-31';
const painGoal = 2;

export const simulate = (options: SimulationOptions): SimulationRun => {
  const settings = options.settings ?? defaultDepartmentSettings;
  const behaviour = options.behaviour ?? defaultBehaviour;
  const zone = settings.timeZone;
  const prefix = options.idPrefix ?? 'sim';
  const arrivalDays = options.arrivalDays ?? 91;
  const horizonDays = options.horizonDays ?? arrivalDays + 120;
  const startMs = atLocalHour(options.startDate, 0, zone);
  const endMs = atLocalHour(addDays(options.startDate, horizonDays), 0, zone);
  const department = seededRandom(options.seed, 0);
  const agenda = new Agenda();
  let now = startMs;

  const therapists = new Map(options.plan.therapists.map((therapist) => [therapist.therapistId, therapist]));
  const caseload = new Map(options.plan.therapists.map((therapist) => [therapist.therapistId, 0]));
  const bookings = new Map<string, number>();
  const running: Running[] = [];
  const caseloads: CaseloadSample[] = [];
  let open = 0;

  const assignedTherapist = (state: CareEpisodeState): string | undefined =>
    !isClosed(state) && state.status !== 'planned' && state.status !== 'waitlist' ? state.therapistId : undefined;

  /** The directory as the workflow's activity would read it now: live caseloads, open schedule. */
  const directory = (): TherapistProfile[] =>
    options.plan.therapists.map((therapist) => {
      const active = caseload.get(therapist.therapistId) ?? 0;
      return {
        therapistId: therapist.therapistId,
        departmentId: `${prefix}-department`,
        licenses: [{ state: 'MD', number: `L-${therapist.therapistId}`, expiresOn: licensedUntil }],
        boardCertifications: ['NCBTMB'],
        specialtyCertificates: therapist.specialtyCertificates.map((certificate) => ({ certificate, expiresOn: licensedUntil })),
        activeEpisodeCount: active,
        caseloadLimit: therapist.caseloadLimit,
        availability: Math.max(0, Math.min(1, 1 - active / therapist.caseloadLimit)),
      };
    });

  /** Sends one command to the episode's decider and folds what it decided; no process step. */
  const send = (run: Running, command: CareEpisodeCommand, by: TraceEntry['by']): readonly CareEpisodeEvent[] | DomainError => {
    const { episode } = run;
    const decision = decide(command, episode.state, settings);
    if (isDomainError(decision)) {
      episode.trace.push({ atMs: now, by, command, outcome: { refused: decision.code } });
      return decision;
    }
    const before = assignedTherapist(episode.state);
    const wasClosed = isClosed(episode.state);
    episode.state = decision.reduce(evolve, episode.state);
    if (!wasClosed && isClosed(episode.state)) open -= 1;
    episode.events.push(...decision);
    episode.trace.push({ atMs: now, by, command, outcome: { events: decision.map((event) => event.type) } });
    const after = assignedTherapist(episode.state);
    if (before !== after) {
      if (before !== undefined) caseload.set(before, (caseload.get(before) ?? 0) - 1);
      if (after !== undefined) caseload.set(after, (caseload.get(after) ?? 0) + 1);
    }
    for (const event of decision) react(run, event);
    return decision;
  };

  /** The workflow's loop after a change: route a waiting referral, then arm one timer for the next deadline. */
  const processStep = (run: Running): void => {
    const { episode } = run;
    if (awaitsRouting(episode.state)) send(run, routeReferral(iso(now), { therapists: directory(), previousTherapistIds: [] }), 'process');
    run.timer += 1;
    if (isClosed(episode.state)) return;
    const due = nextDeadline(episode.state, settings, run.settled);
    if (due !== undefined) {
      const armed = run.timer;
      agenda.at(now + waitForDeadlineMs(due, now), () => deadlineReached(run, due, armed));
    }
  };

  const deadlineReached = (run: Running, due: DueDate, armed: number): void => {
    if (armed !== run.timer || isClosed(run.episode.state)) return;
    run.settled = settleDeadline(run.settled, due);
    send(run, deadlinePassed(due, iso(now)), 'process');
    processStep(run);
  };

  /** A command from outside the episode: the process steps only when it changed something. */
  const fromOutside = (run: Running, command: CareEpisodeCommand): readonly CareEpisodeEvent[] | DomainError => {
    const result = send(run, command, 'outside');
    if (!isDomainError(result) && result.length > 0) processStep(run);
    return result;
  };

  const later = (atMs: number, run: Running, act: () => void): void =>
    agenda.at(Math.max(atMs, now), () => {
      if (!isClosed(run.episode.state)) act();
    });

  const hoursBetween = (random: Random, [from, to]: readonly [number, number]): number =>
    Math.round((from + random.fraction() * (to - from)) * msPerHour);

  /** The next free slot of a therapist from `from` on: a working day with a session left. */
  const book = (therapist: TherapistPlan, from: IsoDate): { readonly date: IsoDate; readonly hour: number } => {
    for (let date = from, tries = 0; tries < 366; date = addDays(date, 1), tries += 1) {
      if (!therapist.workingDays.includes(weekdayOf(date))) continue;
      const key = `${therapist.therapistId}|${date}`;
      const taken = bookings.get(key) ?? 0;
      if (taken < therapist.sessionsPerDay) {
        bookings.set(key, taken + 1);
        return { date, hour: 8 + taken };
      }
    }
    return { date: addDays(from, 366), hour: 8 };
  };

  const therapistOf = (run: Running): TherapistPlan | undefined => {
    const id = run.episode.state.therapistId;
    return id === undefined ? undefined : therapists.get(id);
  };

  /** The clinic's reaction to what the domain decided. */
  const react = (run: Running, event: CareEpisodeEvent): void => {
    switch (event.type) {
      case 'TherapistOffered':
        return answerOffer(run, event.therapistId);
      case 'RoutingEscalated':
        return later(nextMorning(now), run, () => leadReview(run));
      case 'OfferAccepted':
        return bookEvaluation(run);
      case 'NoShowDischargePromptRaised':
        return later(now + 2 * msPerHour, run, () => discharge(run, 'non-adherence'));
      default:
        return;
    }
  };

  const nextMorning = (atMs: number): number => atLocalHour(addDays(localDay(atMs, zone), 1), 9, zone);

  const answerOffer = (run: Running, therapistId: string): void => {
    const draw = run.random.fraction();
    const actor = { userId: `user-${therapistId}`, role: 'therapist' } as const;
    const answerAt = now + hoursBetween(run.random, behaviour.answerHours);
    if (draw < behaviour.offerAccepted)
      later(answerAt, run, () => fromOutside(run, { type: 'AcceptOffer', at: iso(now), actor, therapistId }));
    else if (draw < behaviour.offerAccepted + behaviour.offerDeclined) {
      later(answerAt, run, () => fromOutside(run, { type: 'DeclineOffer', at: iso(now), actor, therapistId, reason: 'caseload' }));
    }
  };

  /**
   * The lead offers the referral to a therapist the routing found qualified (only the caseload kept
   * them out) who has room today; with nobody qualified, or after a month of waiting, the lead declines it.
   */
  const leadReview = (run: Running): void => {
    const decision = run.episode.state.routing?.decision;
    if (decision === undefined || run.episode.state.routing?.offers.some((offer) => offer.outcome === 'pending')) return;
    const qualified = [
      ...decision.ranked,
      ...decision.excluded.filter((candidate) => candidate.exclusions.every((exclusion) => exclusion.rule === 'caseload-full')),
    ].flatMap((candidate) => therapists.get(candidate.therapistId) ?? []);
    const withRoom = qualified
      .filter((therapist) => (caseload.get(therapist.therapistId) ?? 0) < therapist.caseloadLimit)
      .sort(
        (a, b) => (caseload.get(a.therapistId) ?? 0) - (caseload.get(b.therapistId) ?? 0) || a.therapistId.localeCompare(b.therapistId),
      );
    const chosen = withRoom[0];
    run.reviews += 1;
    if (chosen !== undefined) {
      fromOutside(run, { type: 'OfferToTherapist', at: iso(now), actor: lead, therapistId: chosen.therapistId });
    } else if (qualified.length === 0 || run.reviews > 30) {
      fromOutside(run, {
        type: 'DeclineReferral',
        at: iso(now),
        actor: lead,
        reason: qualified.length === 0 ? 'no qualified therapist' : 'no capacity',
      });
    } else {
      later(nextMorning(now), run, () => leadReview(run));
    }
  };

  const bookEvaluation = (run: Running): void => {
    const therapist = therapistOf(run);
    if (therapist === undefined) return;
    const slot = book(therapist, addDays(localDay(now, zone), 1));
    later(atLocalHour(slot.date, slot.hour + 1, zone), run, () => evaluate(run, slot.date));
  };

  const therapistActor = (run: Running) => ({ userId: `user-${run.episode.state.therapistId ?? 'unknown'}`, role: 'therapist' }) as const;

  const evaluate = (run: Running, date: IsoDate): void => {
    const { kind } = run.episode;
    const actor = therapistActor(run);
    const at = iso(now);
    run.episode.firstVisit = date;
    fromOutside(run, {
      type: 'RecordIntake',
      at,
      actor,
      intake: {
        medicalHistory: [kind.name],
        medications: [],
        allergies: [],
        recentSurgeries: [],
        patientGoals: ['less pain'],
        findings: [],
      },
    });
    fromOutside(run, {
      type: 'RecordAssessment',
      at,
      actor,
      assessment: {
        assessedOn: date,
        specialTests: [],
        posturalFindings: [],
        rangeOfMotion: [],
        painRegions: [kind.bodyRegion],
        measures: [{ measure: 'NPRS', value: run.baseline }],
        evaluationCode: '97162',
      },
    });
    fromOutside(run, {
      type: 'EstablishPlanOfCare',
      at,
      actor,
      plan: {
        goals: [
          {
            goalId: 'goal-pain',
            description: `pain at most ${painGoal}`,
            measure: 'NPRS',
            baseline: run.baseline,
            target: painGoal,
            targetDate: addDays(date, kind.durationWeeks * 7),
          },
        ],
        primaryMeasure: 'NPRS',
        techniques: [techniqueOf(kind)],
        frequencyPerWeek: kind.frequencyPerWeek,
        durationWeeks: kind.durationWeeks,
        precautions: [],
        bodyRegions: [kind.bodyRegion],
      },
    });
    const late = run.random.chance(behaviour.certificationLate);
    const signedOn = addDays(date, late ? run.random.integer(31, 40) : run.random.integer(...behaviour.certificationDays));
    later(atLocalHour(signedOn, 14.5, zone), run, () =>
      fromOutside(run, {
        type: 'CertifyPlanOfCare',
        at: iso(now),
        actor: lead,
        kind: 'written',
        certifier: physician,
        certifiedOn: signedOn,
      }),
    );
    bookSession(run, date);
  };

  const bookSession = (run: Running, after: IsoDate): void => {
    const therapist = therapistOf(run);
    if (therapist === undefined) return;
    const slot = book(therapist, addDays(after, Math.max(1, Math.floor(7 / run.episode.kind.frequencyPerWeek))));
    later(atLocalHour(slot.date, slot.hour + 1, zone), run, () => visit(run, slot.date));
  };

  const visit = (run: Running, date: IsoDate): void => {
    const sessionId = `s-${run.visits + 1}`;
    const actor = therapistActor(run);
    if (run.random.chance(behaviour.noShow)) {
      run.visits += 1;
      fromOutside(run, { type: 'RecordNoShow', at: iso(now), actor, sessionId, date });
      if (run.visits < run.plannedVisits) bookSession(run, date);
      else later(now + msPerHour, run, () => discharge(run, 'referred-back'));
      return;
    }
    const painBefore = run.pain;
    const painAfter = painAfterVisit(run);
    const session: CareEpisodeCommand = {
      type: 'RecordSession',
      at: iso(now),
      actor,
      sessionId,
      session: {
        date,
        therapist: { therapistId: run.episode.state.therapistId ?? 'unknown', licenseExpiresOn: licensedUntil },
        lines: [
          {
            code: run.episode.kind.cancerHistory ? '97140' : '97124',
            minutes: run.random.integer(23, 53),
            bodyRegions: [run.episode.kind.bodyRegion],
          },
        ],
        techniques: [techniqueOf(run.episode.kind)],
        pressure: [{ bodyRegion: run.episode.kind.bodyRegion, pressure: run.episode.kind.cancerHistory ? 'light' : 'moderate' }],
        painBefore,
        painAfter,
        adverseEvents: [],
        selfPay: false,
      },
    };
    const recorded = recordSession(run, session, date);
    if (recorded === 'closed' || isClosed(run.episode.state)) return;
    if (recorded === 'refused') {
      discharge(run, 'referred-back');
      return;
    }
    run.visits += 1;
    run.pain = painAfter;
    const signAt = run.random.chance(behaviour.noteSignedLate) ? atLocalHour(addDays(date, 1), 20, zone) : now + msPerHour;
    later(signAt, run, () => {
      fromOutside(run, { type: 'SignNote', at: iso(now), actor, sessionId });
      if (run.pain <= painGoal) discharge(run, 'goals-met');
      else if (run.visits >= run.plannedVisits) discharge(run, 'referred-back');
    });
    if (run.pain > painGoal && run.visits < run.plannedVisits) bookSession(run, date);
  };

  /** Records a session, doing first what the domain asks for when it refuses (a report, a recertification, a plateau decision). */
  const recordSession = (run: Running, session: CareEpisodeCommand, date: IsoDate): 'recorded' | 'refused' | 'closed' => {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const result = fromOutside(run, session);
      if (!isDomainError(result)) return 'recorded';
      const actor = therapistActor(run);
      switch (result.code) {
        case 'PROGRESS_REPORT_OVERDUE':
          fromOutside(run, {
            type: 'RecordProgressReport',
            at: iso(now),
            actor,
            reportId: `report-${run.episode.state.progress.reportIds.length + 1}`,
            reportedOn: date,
            measures: [{ measure: 'NPRS', value: run.pain }],
            narrative: 'progress as measured',
          });
          break;
        case 'CERTIFICATION_EXPIRED':
          fromOutside(run, { type: 'RecertifyPlanOfCare', at: iso(now), actor: lead, certifier: physician, signedOn: date });
          break;
        case 'PLATEAU_DECISION_REQUIRED':
          fromOutside(run, { type: 'DecideAfterPlateau', at: iso(now), actor, decision: 'discharge-at-mmi' });
          discharge(run, 'maximum-medical-improvement');
          return 'closed';
        default:
          return 'refused';
      }
    }
    return 'refused';
  };

  const discharge = (run: Running, reason: 'goals-met' | 'maximum-medical-improvement' | 'non-adherence' | 'referred-back'): void => {
    if (isClosed(run.episode.state)) return;
    fromOutside(run, {
      type: 'DischargeEpisode',
      at: iso(now),
      actor: therapistActor(run),
      dischargedOn: localDay(now, zone),
      reason,
      measures: [{ measure: 'NPRS', value: run.pain }],
    });
  };

  /** Treatment response: the pain rating after this visit, by the episode's drawn response. */
  const painAfterVisit = (run: Running): number => {
    const progress = (run.visits + 1) / run.plannedVisits;
    switch (run.episode.response) {
      case 'meets-goals':
        return Math.max(painGoal, Math.round(run.baseline - (run.baseline - painGoal) * Math.min(1, progress * 1.4)));
      case 'partial':
        return Math.max(painGoal + 2, Math.round(run.baseline - 3 * Math.min(1, progress * 2)));
      case 'plateaus':
        return run.visits < 4 ? run.baseline - 1 : run.baseline - 1 - (run.visits % 2);
    }
  };

  const arrive = (index: number, atMs: number): void => {
    const random = seededRandom(options.seed, index + 1);
    const kind = random.weighted(behaviour.referralMix.map((value) => ({ weight: value.weight, value })));
    const payer = random.weighted(behaviour.payerMix);
    const response = random.weighted(behaviour.response);
    const baseline = random.integer(5, 8);
    const referralDate = localDay(atMs, zone);
    const episodeId = `${prefix}-episode-${index + 1}`;
    const run: Running = {
      episode: { episodeId, kind, payer, response, referredAtMs: atMs, referralDate, state: initialState, events: [], trace: [] },
      random,
      settled: noSettledDeadlines,
      timer: 0,
      pain: baseline,
      baseline,
      visits: 0,
      plannedVisits: kind.frequencyPerWeek * kind.durationWeeks,
      reviews: 0,
    };
    running.push(run);
    open += 1;
    const received = fromOutside(run, {
      type: 'ReceiveReferral',
      at: iso(now),
      actor: lead,
      episodeId,
      referral: {
        referralId: `${prefix}-referral-${index + 1}`,
        patient: {
          mrn: `${prefix}-mrn-${index + 1}`,
          name: 'Simulated Patient',
          birthDate: '1960-01-01',
          sex: 'female',
          stateOfResidence: 'MD',
        },
        referringProvider: physician,
        diagnosisCodes: [...kind.diagnosisCodes],
        orderedService: 'clinical massage therapy',
        referralDate,
        payer: { payerId: `payer-${payer}` },
        bodyRegions: [kind.bodyRegion],
        priority: random.chance(behaviour.urgentShare) ? 'urgent' : 'routine',
        cancerHistory: kind.cancerHistory,
      },
    });
    // A refused referral never becomes an episode (the workflow fails its start).
    if (isDomainError(received)) open -= 1;
  };

  const referralDays = Array.from({ length: arrivalDays }, (_, offset) => addDays(options.startDate, offset)).filter(
    (date) => weekdayOf(date) <= 5,
  );
  const arrivals = Array.from({ length: options.episodes }, () =>
    atLocalHour(department.pick(referralDays), 8 + department.fraction() * 8, zone),
  ).sort((a, b) => a - b);
  arrivals.forEach((atMs, index) => agenda.at(atMs, () => arrive(index, atMs)));

  const days = Math.round((endMs - startMs) / msPerDay);
  for (let day = 0; day < days; day += 1) {
    const date = addDays(options.startDate, day);
    agenda.at(atLocalHour(date, 23.99, zone), () => {
      for (const therapist of options.plan.therapists) {
        caseloads.push({ date, therapistId: therapist.therapistId, caseload: caseload.get(therapist.therapistId) ?? 0 });
      }
      options.onDay?.(day + 1, days);
    });
  }

  for (let next = agenda.next(); next !== undefined && next.atMs < endMs; next = agenda.next()) {
    now = next.atMs;
    next.run();
    if (open === 0 && running.length === arrivals.length) break;
  }
  options.onDay?.(days, days);
  return { options, settings, episodes: running.map((run) => run.episode), caseloads, endDate: localDay(Math.min(now, endMs), zone) };
};

const techniqueOf = (kind: ReferralKind): 'manual-lymph-drainage' | 'myofascial-release' =>
  kind.cancerHistory ? 'manual-lymph-drainage' : 'myofascial-release';
