/**
 * The notices' outbox (docs/notices.md): a notice is recorded in the consumer's transaction, the
 * one that records the event as processed, and delivered after commit from the pending rows. The
 * rows hold ids, codes, states and error names only; the PHI is read at delivery time
 * (`readNoticeContent`, through migration 8's narrow function).
 */
import type { Sql, TransactionSql } from 'postgres';
import type { PublishedIntegrationEvent } from '@careflow/contracts';
import type { NoticeContent, NoticeDetails, NoticeKind } from './communication';

type ConsumedEvent = PublishedIntegrationEvent & { readonly eventId: string };

/**
 * The consumer's effect: a pending notice for each `ReferringProviderNoticeIssued`, nothing for the
 * other events. The notice id is the event id, so a redelivered event finds its notice already there.
 */
export const recordNotice = async (tx: TransactionSql, event: ConsumedEvent): Promise<void> => {
  if (event.type !== 'ReferringProviderNoticeIssued') return;
  const { data } = event;
  await tx`
    INSERT INTO referrer_notices (notice_id, episode_id, notice, referral_id, referring_provider_npi, report_id, department_id, issued_at)
    VALUES (${event.eventId}, ${data.episodeId}, ${data.notice}, ${data.referralId}, ${data.referringProviderNpi},
            ${data.reportId ?? null}, ${data.departmentId ?? null}, ${data.occurredAt})
    ON CONFLICT (notice_id) DO NOTHING`;
};

export interface ClaimedNotice {
  readonly noticeId: string;
  readonly episodeId: string;
  readonly issuedAt: string;
  /** This attempt's number, from 1. */
  readonly attempt: number;
}

/**
 * Takes up to `limit` due notices for one attempt each: the attempt is counted and the notice leased
 * for `leaseMs` (longer than an attempt can take), so another instance skips it and a crash mid-way
 * only delays it until the lease ends. Only an episode's earliest pending notice is taken, so the
 * referrer receives an episode's notices in the order they were issued (a dead-lettered one no
 * longer holds the later ones back).
 */
export const claimDueNotices = async (sql: Sql, limit: number, leaseMs: number): Promise<ClaimedNotice[]> => {
  const rows = await sql<{ notice_id: string; episode_id: string; issued_at: Date; attempts: number }[]>`
    UPDATE referrer_notices n
       SET attempts = n.attempts + 1, next_attempt_at = now() + ${leaseMs} * interval '1 millisecond'
     WHERE n.notice_id IN (
       SELECT notice_id FROM referrer_notices
        WHERE state = 'pending' AND next_attempt_at <= now()
          AND NOT EXISTS (
            SELECT 1 FROM referrer_notices earlier
             WHERE earlier.episode_id = referrer_notices.episode_id AND earlier.state = 'pending'
               AND earlier.sequence < referrer_notices.sequence)
        ORDER BY next_attempt_at
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED)
    RETURNING n.notice_id, n.episode_id, n.issued_at, n.attempts`;
  return rows.map((row) => ({
    noticeId: row.notice_id,
    episodeId: row.episode_id,
    issuedAt: row.issued_at.toISOString(),
    attempt: row.attempts,
  }));
};

/** What the delivery log keeps about a failure: the error's name or code and the receiver's status, never a message or a body. */
export interface DeliveryFailure {
  readonly error: string;
  readonly statusCode?: number;
}

export const markDelivered = async (sql: Sql, noticeId: string, statusCode: number): Promise<void> => {
  await sql`
    UPDATE referrer_notices
       SET state = 'delivered', delivered_at = now(), last_status_code = ${statusCode}, last_error = NULL
     WHERE notice_id = ${noticeId} AND state = 'pending'`;
};

export const scheduleRetry = async (sql: Sql, noticeId: string, delayMs: number, failure: DeliveryFailure): Promise<void> => {
  await sql`
    UPDATE referrer_notices
       SET next_attempt_at = now() + ${delayMs} * interval '1 millisecond',
           last_error = ${failure.error}, last_status_code = ${failure.statusCode ?? null}
     WHERE notice_id = ${noticeId} AND state = 'pending'`;
};

export const markDeadLettered = async (sql: Sql, noticeId: string, failure: DeliveryFailure): Promise<void> => {
  await sql.begin(async (tx) => {
    const [row] = await tx<{ attempts: number }[]>`
      UPDATE referrer_notices
         SET state = 'dead-lettered', last_error = ${failure.error}, last_status_code = ${failure.statusCode ?? null}
       WHERE notice_id = ${noticeId} AND state = 'pending'
      RETURNING attempts`;
    if (row === undefined) return;
    await tx`
      INSERT INTO referrer_notice_dead_letters (notice_id, attempts, last_error, last_status_code)
      VALUES (${noticeId}, ${row.attempts}, ${failure.error}, ${failure.statusCode ?? null})`;
  });
};

/**
 * Puts dead-lettered notices back to pending with a fresh count of attempts (all of them, or those
 * named), once the receiver or the cause is fixed; their dead-letter records stay, marked. Returns
 * the notices requeued.
 */
export const redeliverDeadLettered = async (sql: Sql, noticeIds?: readonly string[]): Promise<string[]> =>
  sql.begin(async (tx) => {
    const rows = await tx<{ notice_id: string }[]>`
      UPDATE referrer_notices
         SET state = 'pending', attempts = 0, next_attempt_at = now()
       WHERE state = 'dead-lettered'
         AND (${noticeIds === undefined} OR notice_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(noticeIds ?? [])}::text::jsonb)::uuid))
      RETURNING notice_id`;
    const requeued = rows.map((row) => row.notice_id);
    await tx`
      UPDATE referrer_notice_dead_letters SET redelivery_requested_at = now()
       WHERE notice_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(requeued)}::text::jsonb)::uuid)
         AND redelivery_requested_at IS NULL`;
    return requeued;
  });

interface ContentRow {
  episode_id: string;
  notice: NoticeKind;
  referral_id: string;
  patient_mrn: string;
  patient_name: string;
  patient_birth_date: string;
  patient_sex: NoticeContent['patient']['sex'];
  referring_provider_name: string;
  referring_provider_npi: string;
  referring_provider_credential: string;
  content: Record<string, unknown> | null;
}

/** The kind's own content as the function returned it: the fields of the event the domain recorded (migration 8). */
const detailsOf = (notice: NoticeKind, content: Record<string, unknown> | null): NoticeDetails | undefined => {
  switch (notice) {
    case 'referral-accepted':
    case 'order-renewed':
    case 'authorization-recorded':
      return { notice };
    case 'referral-declined':
      return content === null ? undefined : { notice, declined: content as Extract<NoticeDetails, { notice: typeof notice }>['declined'] };
    case 'episode-cancelled':
      return content === null
        ? undefined
        : { notice, cancelled: content as Extract<NoticeDetails, { notice: typeof notice }>['cancelled'] };
    case 'progress-report':
      return content === null ? undefined : { notice, report: content as Extract<NoticeDetails, { notice: typeof notice }>['report'] };
    case 'discharge-summary':
      return content === null
        ? undefined
        : { notice, discharge: content as Extract<NoticeDetails, { notice: typeof notice }>['discharge'] };
  }
};

/**
 * The notice's content, PHI included, through the one function the notices role may execute; the
 * role cannot read the events themselves. Undefined when the store has no such notice or not the
 * event it tells about.
 */
export const readNoticeContent = async (sql: Sql, notice: ClaimedNotice): Promise<NoticeContent | undefined> => {
  const [row] = await sql<ContentRow[]>`SELECT * FROM referrer_notice_content(${notice.noticeId}::uuid)`;
  if (row === undefined) return undefined;
  const details = detailsOf(row.notice, row.content);
  if (details === undefined) return undefined;
  return {
    ...details,
    noticeId: notice.noticeId,
    episodeId: row.episode_id,
    referralId: row.referral_id,
    issuedAt: notice.issuedAt,
    patient: { mrn: row.patient_mrn, name: row.patient_name, birthDate: row.patient_birth_date, sex: row.patient_sex },
    referringProvider: {
      name: row.referring_provider_name,
      npi: row.referring_provider_npi,
      credential: row.referring_provider_credential,
    },
  };
};
