/**
 * The one path of a referral into Careflow (docs/api.md, "Referrals in"): POST /referrals, the FHIR
 * ServiceRequest route and the careflow.referrals.v1 topic all call ReferralIntake.submit.
 */
import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type Client, WorkflowNotFoundError } from '@temporalio/client';
import type { Sql } from 'postgres';
import { z } from 'zod';
import {
  commandSchemas,
  decideParsed,
  fold,
  initialState,
  isDomainError,
  type CareEpisodeEvent,
  type EpisodeStatus,
  type ReceiveReferral,
  type Referral,
  referralSchema,
} from '@careflow/domain';
import { careEpisodeWorkflowId, episodeSnapshotQuery } from '@careflow/contracts';
import { canonicalJson, type JsonValue } from '@careflow/event-store';
import { SQL } from '@careflow/platform';
import { episodeIdForReferral, startCareEpisode } from '@careflow/temporal';
import { type AuditTarget, conflict, fieldProblems, invalidRequest, notFound, ruleRefusal } from '../http';
import { EPISODE_TASK_QUEUE, PATIENT_KEY, type PatientKeyOf, TEMPORAL_CLIENT } from '../services';
import { DepartmentSettingsStore } from './department-settings';

/** Department ids travel in search attributes, logs and audit records: plain ids only. */
export const departmentIdSchema = z
  .string({ error: 'must be a department id' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/, { error: 'must be a department id (letters, digits, . _ : -)' });

/** What a sender submits: the department it refers to and the physician's referral. */
export const referralSubmissionSchema = z.strictObject(
  { departmentId: departmentIdSchema, referral: referralSchema },
  { error: 'must be an object' },
);
export type ReferralSubmission = z.infer<typeof referralSubmissionSchema>;

/** Who submits: a person through the API, or the interface engine's service identity (`ehr-feed`). */
export interface ReferralSender {
  readonly userId: string;
  /** A staff role from a token, or `ehr-feed`; the domain decides whether it may refer. */
  readonly role: string;
  /** The departments it may refer to; the interface engine serves every department. */
  readonly departments: readonly string[] | 'all';
}

export interface ReferralOutcome {
  /** `created`: a new episode (201); `unchanged`: the same referral sent again (200). */
  readonly result: 'created' | 'unchanged';
  readonly episodeId: string;
  readonly status: string;
}

/** Tells the caller's audit record what the submission was about, as soon as it is known. */
export type DescribeTarget = (target: Partial<AuditTarget>) => void;

interface RegistryRow {
  readonly episode_id: string;
  readonly content_hash: Buffer;
  readonly field_hashes: Readonly<Record<string, string>>;
}

/**
 * The referral's fields as compared for a resend: the top-level ones, and one level below for the
 * records (patient, provider, payer), so a 409 can say `patient.birthDate` without showing it.
 */
const comparedFields = (referral: Referral): Array<[string, JsonValue]> =>
  Object.entries(referral as unknown as Record<string, JsonValue>).flatMap(([field, value]): Array<[string, JsonValue]> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? Object.entries(value).map(([inner, innerValue]): [string, JsonValue] => [`${field}.${inner}`, innerValue])
      : [[field, value]],
  );

@Injectable()
export class ReferralIntake {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(TEMPORAL_CLIENT) private readonly temporal: Client,
    @Inject(EPISODE_TASK_QUEUE) private readonly taskQueue: string,
    @Inject(PATIENT_KEY) private readonly patientKeyOf: PatientKeyOf,
    private readonly settings: DepartmentSettingsStore,
  ) {
    this.contentKeys = { field: this.contentKeyOf('field'), referral: this.contentKeyOf('referral') };
  }

  /** The keys of a referral's content hashes, derived once: a referral hashes each of its fields. */
  private readonly contentKeys: Readonly<Record<'field' | 'referral', KeyObject>>;

  /**
   * Validates the submission (400 naming every field), checks the department (404), asks the domain
   * whether it would take the referral (422 with the rule's code), then registers the episode and
   * starts its workflow in one transaction: the workflow is started before the registry row commits,
   * and the workflow id is derived from (department, referral id) and never reused, so a crash between
   * the two is repaired by the sender's retry and never makes a second episode.
   */
  async submit(submission: unknown, sender: ReferralSender, describe: DescribeTarget = () => undefined): Promise<ReferralOutcome> {
    const parsed = referralSubmissionSchema.safeParse(submission);
    if (!parsed.success) throw invalidRequest(fieldProblems(parsed.error));
    const { departmentId, referral } = parsed.data;
    describe({ resourceType: 'episode', departmentId });
    if (sender.departments !== 'all' && !sender.departments.includes(departmentId)) throw notFound('department', 'department');

    const episodeId = episodeIdForReferral(departmentId, referral.referralId);
    const patientKey = this.patientKeyOf(referral.patient.mrn);
    describe({ resourceId: episodeId, patientKey });
    const settings = await this.settings.settingsOf(departmentId);
    const command: ReceiveReferral = {
      type: 'ReceiveReferral',
      at: new Date().toISOString(),
      actor: { userId: sender.userId, role: sender.role },
      episodeId,
      referral,
    };
    // The whole command against its schema too (its size limit), naming every field at fault.
    const whole = commandSchemas.ReceiveReferral.safeParse(command);
    if (!whole.success) throw invalidRequest(fieldProblems(whole.error));
    const decision = decideParsed(whole.data, initialState, settings);
    if (isDomainError(decision)) throw ruleRefusal(decision.code, decision.message);

    const fields = comparedFields(referral);
    const fieldHashes = Object.fromEntries(fields.map(([field, value]) => [field, this.hash('field', departmentId, field, value)]));
    const contentHash = Buffer.from(this.hash('referral', departmentId, '', referral as unknown as JsonValue), 'hex');

    const registered = await this.sql.begin(async (tx) => {
      const inserted = await tx`
        INSERT INTO episodes (episode_id, department_id, referral_id, content_hash, field_hashes, patient_key)
        VALUES (${episodeId}, ${departmentId}, ${referral.referralId}, ${contentHash}, ${tx.json(fieldHashes)}, ${patientKey})
        ON CONFLICT DO NOTHING
        RETURNING episode_id`;
      if (inserted.length === 0) {
        const [existing] = await tx<RegistryRow[]>`
          SELECT episode_id, content_hash, field_hashes FROM episodes WHERE episode_id = ${episodeId}`;
        return existing ?? null;
      }
      await startCareEpisode(this.temporal, { taskQueue: this.taskQueue, departmentId, settings, referral: command });
      return 'created' as const;
    });

    if (registered === 'created') {
      return { result: 'created', episodeId, status: fold(decision).status };
    }
    if (registered === null) throw conflict('referral-conflict', 'The referral id is registered to another episode.');
    if (!registered.content_hash.equals(contentHash)) {
      const changed = new Set(
        [...Object.keys(fieldHashes), ...Object.keys(registered.field_hashes)].filter(
          (field) => fieldHashes[field] !== registered.field_hashes[field],
        ),
      );
      throw conflict(
        'referral-conflict',
        'This referral id was received before with different content; the fields that differ are named.',
        [...changed].sort(),
      );
    }
    return { result: 'unchanged', episodeId, status: await this.statusOf(episodeId) };
  }

  /** The workflow answers while it lives; past the namespace's retention its events still do. */
  private async statusOf(episodeId: string): Promise<EpisodeStatus> {
    try {
      return (await this.temporal.workflow.getHandle(careEpisodeWorkflowId(episodeId)).query(episodeSnapshotQuery)).state.status;
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      const rows = await this.sql<{ data: CareEpisodeEvent }[]>`
        SELECT data FROM events WHERE stream_id = ${episodeId} ORDER BY stream_version`;
      return fold(rows.map((row) => row.data)).status;
    }
  }

  /**
   * Keyed, so a stored hash of a name or birth date cannot be tested against guesses: the key is
   * derived from the facility's patient-key secret for this use alone.
   */
  private hash(kind: 'field' | 'referral', departmentId: string, field: string, value: JsonValue): string {
    return createHmac('sha256', this.contentKeys[kind])
      .update(canonicalJson([departmentId, field, value]))
      .digest('hex');
  }

  // The derived key as the UTF-8 of its hex digits, as stored hashes were made with it.
  private contentKeyOf(kind: 'field' | 'referral'): KeyObject {
    return createSecretKey(Buffer.from(this.patientKeyOf(`careflow:referral-content:${kind}`), 'utf8'));
  }
}
