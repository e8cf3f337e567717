/**
 * Test code only: the whole API (ApiModule, as main.ts builds it) on a schema of its own in the local
 * stack's PostgreSQL, so its audit chain and read models hold only what a test put there, with real
 * Temporal behind it. Tests seed episodes (events, registry, read models) as the schema owner.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import type { Sql } from 'postgres';
import { mintLocalToken, type Principal, type StaffRole } from '@careflow/auth';
import { createLogger, StructuredNestLogger } from '@careflow/config';
import { episodeEventsTopic } from '@careflow/contracts';
import type { CareEpisodeEvent } from '@careflow/domain';
import {
  applicationRoleOf,
  closeDatabaseClient,
  createDatabaseClient,
  createEventStore,
  type JsonObject,
  migrate,
} from '@careflow/event-store';
import { databaseUrls } from '@careflow/event-store/testing';
import { ApiModule } from '../app.module';
import { loadApiConfig } from '../config';
import { apiApplicationOptions, type CatalogueRoute, RouteCatalogue } from '../http';

const requireEnv = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: eval "$(bash infra/local/stack env)"`);
  return value;
};

/** Billing's line for 30 minutes of manual therapy (docs/billing.md). */
const chargeLine = {
  code: '97140',
  minutes: 30,
  units: 2,
  bodyRegions: ['lower-back'],
  diagnosisCodes: ['M54.50'],
  modifiers: ['GP'],
  billable: true,
  unitPriceCents: 4500,
  amountCents: 9000,
};

const withSearchPath = (url: string, schema: string): string => {
  const parsed = new URL(url);
  parsed.searchParams.set('search_path', schema);
  return parsed.toString();
};

export interface SeededEpisode {
  readonly episodeId: string;
  readonly departmentId: string;
  readonly patientKey: string;
}

export interface ReadsApp {
  readonly baseUrl: string;
  /** The schema owner's pool, for seeding and for what no app may do. */
  readonly owner: Sql;
  /** A superuser's pool on the same schema, for tampering on purpose. */
  readonly superuser: Sql;
  /** Every line the API logged. */
  readonly logLines: string[];
  token(principal: Principal): Promise<string>;
  get(path: string, principal: Principal | undefined): Promise<Response>;
  /** Appends the events to the episode's stream, as the worker does, with the department in the metadata. */
  appendEvents(episodeId: string, departmentId: string, expectedVersion: number, events: readonly CareEpisodeEvent[]): Promise<void>;
  /** The episode registry's row (what EpisodeAccess checks) and the read models' rows. */
  register(episode: { episodeId: string; departmentId: string; therapistId: string; status: string }): Promise<SeededEpisode>;
  auditCount(): Promise<number>;
  /** The newest audit record's operation and outcome. */
  lastAudit(): Promise<{ operation: string; outcome: string; resource_id: string | null } | undefined>;
  /** Every route the app serves, as the route catalogue reads them. */
  routes(): CatalogueRoute[];
  close(): Promise<void>;
}

export const principal = (
  role: StaffRole,
  departments: readonly string[],
  userId = `user-${role}-${randomUUID().slice(0, 8)}`,
): Principal => ({
  userId,
  role,
  departments,
});

export const startReadsApp = async (): Promise<ReadsApp> => {
  const urls = databaseUrls();
  const apiUrl = requireEnv('API_DATABASE_URL');
  const schema = `api_reads_${randomUUID().replace(/-/g, '')}`;
  const owner = createDatabaseClient(urls.migration, { applicationName: 'api-reads-tests-owner', searchPath: schema, maxConnections: 4 });
  await owner.unsafe(`CREATE SCHEMA ${schema}`);
  const superuser = createDatabaseClient(urls.superuser, {
    applicationName: 'api-reads-tests-superuser',
    searchPath: schema,
    maxConnections: 2,
  });
  const apiRole = applicationRoleOf(apiUrl);
  await migrate(owner, { appRoles: { api: apiRole } });

  const secret = randomBytes(32).toString('base64');
  const env = {
    ...process.env,
    API_DATABASE_URL: withSearchPath(apiUrl, schema),
    AUTH_JWT_SECRET: secret,
    AUDIT_HMAC_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    FACILITY_ID: 'test-facility',
    PATIENT_KEY_SECRETS: `test-facility=${randomBytes(32).toString('base64')}`,
    PAYLOAD_KEYS: `test-key:${randomBytes(32).toString('base64')}`,
    LOG_LEVEL: 'debug',
  };
  const config = loadApiConfig(env);
  const logLines: string[] = [];
  const logger = createLogger(
    'api',
    'debug',
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );
  const app: INestApplication = await NestFactory.create(ApiModule.register(config, logger), {
    ...apiApplicationOptions,
    logger: new StructuredNestLogger(logger),
  });
  await app.listen(0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const eventStore = createEventStore({ sql: owner, outboxTopic: episodeEventsTopic.name });

  const token = (who: Principal) =>
    mintLocalToken({
      secret,
      issuer: config.tokenVerifier.issuer,
      audience: config.tokenVerifier.audience,
      principal: who,
      lifetimeSeconds: 300,
    });

  return {
    baseUrl,
    owner,
    superuser,
    logLines,
    token,
    get: async (path, who) =>
      fetch(`${baseUrl}${path}`, { headers: who === undefined ? {} : { authorization: `Bearer ${await token(who)}` } }),
    appendEvents: async (episodeId, departmentId, expectedVersion, events) => {
      await eventStore.appendToStream(
        episodeId,
        expectedVersion,
        events.map((event) => ({
          eventId: randomUUID(),
          type: event.type,
          // As the workflow hands it over: JSON, without undefined fields.
          data: JSON.parse(JSON.stringify(event)) as JsonObject,
          metadata: { actor: event.actor.userId, correlationId: episodeId, departmentId, occurredAt: event.occurredAt },
        })),
      );
    },
    register: async ({ episodeId, departmentId, therapistId, status }) => {
      const patientKey = randomBytes(32).toString('hex');
      await owner`
        INSERT INTO episodes (episode_id, department_id, referral_id, content_hash, field_hashes, patient_key)
        VALUES (${episodeId}, ${departmentId}, ${`referral-${episodeId}`}, ${randomBytes(32)}, '{}'::jsonb, ${patientKey})`;
      await owner`
        INSERT INTO episode_summaries (episode_id, status, therapist_id, offers_not_accepted, routing_escalated, certification_status,
          visits_delivered, visits_missed, treatment_days_in_period, progress_reports, re_evaluations, plateau_pending,
          last_event_type, last_occurred_at, stream_version, department_id, patient_key, plan_period_end)
        VALUES (${episodeId}, ${status}, ${therapistId}, 0, false, 'delinquent', 2, 0, 3, 1, 0, false,
          'SessionRecorded', now(), 10, ${departmentId}, ${patientKey}, '2025-04-27')`;
      await owner`
        INSERT INTO episode_worklists (episode_id, therapist_id, open, treatment_days_in_period, progress_report, certification,
          certification_due_on, plan_period_end, authorized_visits_used, authorization_ended, unsigned_notes, department_id)
        VALUES (${episodeId}, ${therapistId}, ${status !== 'finished'}, 9, 'due', 'delinquent', '2025-04-04', '2025-04-27', 1, false,
          ${JSON.stringify([{ session_id: 's-2', session_date: '2025-03-10', recorded_at: '2025-03-10T17:00:00Z', overdue: true }])}::text::jsonb,
          ${departmentId})`;
      await owner`
        INSERT INTO billing_charges (episode_id, service_date, payer_id, patient_key, department_id, therapist_id, version, lines,
          billed_units, amount_cents, certification_standing, held, flagged, notes_signed)
        VALUES (${episodeId}, '2025-03-07', 'payer-1', ${patientKey}, ${departmentId}, ${therapistId}, 1,
          ${JSON.stringify([chargeLine])}::text::jsonb, 2, 9000, 'certified', false, false, true)`;
      await owner`
        INSERT INTO billing_claims (claim_id, episode_id, payer_id, version, frequency_code, original_claim_id, diagnosis_codes, lines,
          total_charge_cents, status)
        VALUES (${`claim-${episodeId}`}, ${episodeId}, 'payer-1', 1, '1', ${`claim-${episodeId}`}, ARRAY['M54.50'], '[]'::jsonb, 9000, 'current')`;
      await owner`
        INSERT INTO episode_outcomes (episode_id, measure, baseline, latest, improvement, mcid, mcid_attained)
        VALUES (${episodeId}, 'NPRS', 6, 3, 3, 2, true)`;
      await owner`
        INSERT INTO episode_operations (episode_id, department_id, offers_made, offers_declined, offers_expired, escalations,
          visits_delivered, no_shows, cancellations_by_patient, cancellations_by_clinic)
        VALUES (${episodeId}, ${departmentId}, 1, 0, 0, 0, 2, 0, 0, 0)`;
      await owner`
        INSERT INTO therapists (therapist_id, department_id, profile)
        VALUES (${therapistId}, ${departmentId}, ${JSON.stringify({
          licenses: [{ state: 'MD', number: `L-${therapistId}`, expiresOn: '2027-06-30' }],
          specialtyCertificates: [{ certificate: 'oncology-massage', expiresOn: '2026-01-31' }],
          boardCertifications: ['NCBTMB'],
          caseloadLimit: 20,
          availability: 0.5,
        })}::text::jsonb)
        ON CONFLICT (therapist_id) DO NOTHING`;
      return { episodeId, departmentId, patientKey };
    },
    auditCount: async () => Number((await owner<{ count: string }[]>`SELECT count(*) FROM audit_records`)[0]?.count ?? 0),
    lastAudit: async () =>
      (
        await owner<{ operation: string; outcome: string; resource_id: string | null }[]>`
        SELECT operation, outcome, resource_id FROM audit_records ORDER BY sequence DESC LIMIT 1`
      )[0],
    routes: () => app.get(RouteCatalogue).routes(),
    close: async () => {
      await app.close();
      await closeDatabaseClient(superuser);
      await owner.unsafe(`DROP SCHEMA ${schema} CASCADE`);
      await closeDatabaseClient(owner);
    },
  };
};
