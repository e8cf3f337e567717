import { createHash } from 'node:crypto';
import { HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Sql } from 'postgres';
import { canonicalJson, type JsonValue } from '@careflow/event-store';
import { SQL } from '@careflow/platform';
import { invalidRequest, ProblemException } from '../http';

export const idempotencyKeyHeader = 'idempotency-key';
/** A retry comes within minutes; a day covers a client that was offline overnight. */
const keptForHours = 24;
const keyPattern = /^[A-Za-z0-9._:-]{8,200}$/;

export interface StoredAnswer {
  readonly status: number;
  readonly answer: unknown;
}

/**
 * Idempotency-Key (draft-ietf-httpapi-idempotency-key-header): the first successful answer to a POST
 * is kept per caller and key, and a retry with the same body gets it again; the same key with another
 * body is 422. Refusals are not kept: a retry is decided again, which refuses it again.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** The key of the request, checked; undefined without the header. */
  keyOf(header: string | string[] | undefined): string | undefined {
    if (header === undefined) return undefined;
    if (typeof header !== 'string' || !keyPattern.test(header)) {
      throw invalidRequest([{ path: 'header idempotency-key', problem: 'must be 8 to 200 letters, digits or . _ : -' }]);
    }
    return header;
  }

  requestHash(method: string, path: string, body: unknown): Buffer {
    return createHash('sha256')
      .update(canonicalJson([method, path, (body ?? null) as JsonValue]))
      .digest();
  }

  async find(userId: string, key: string, requestHash: Buffer): Promise<StoredAnswer | undefined> {
    const [row] = await this.sql<{ request_hash: Buffer; status: number; answer: unknown }[]>`
      SELECT request_hash, status, answer FROM idempotency_keys
      WHERE user_id = ${userId} AND idempotency_key = ${key} AND expires_at > now()`;
    if (row === undefined) return undefined;
    if (!row.request_hash.equals(requestHash)) {
      throw new ProblemException({
        slug: 'idempotency-key-reused',
        title: 'Idempotency key reused',
        status: HttpStatus.UNPROCESSABLE_ENTITY,
        detail: 'This Idempotency-Key was used for a different request; use a new key for a new request.',
      });
    }
    return { status: row.status, answer: row.answer };
  }

  async store(userId: string, key: string, requestHash: Buffer, stored: StoredAnswer): Promise<void> {
    // An expired answer under the same key is replaced; a live one (a racing retry's) is kept.
    await this.sql`
      INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, status, answer, expires_at)
      VALUES (${userId}, ${key}, ${requestHash}, ${stored.status}, ${this.sql.json(stored.answer as never)},
              now() + make_interval(hours => ${keptForHours}))
      ON CONFLICT (user_id, idempotency_key) DO UPDATE
        SET request_hash = excluded.request_hash, status = excluded.status, answer = excluded.answer,
            created_at = now(), expires_at = excluded.expires_at
        WHERE idempotency_keys.expires_at <= now()`;
    await this.sql`DELETE FROM idempotency_keys WHERE user_id = ${userId} AND expires_at <= now()`;
  }

  /** The Temporal Update id of a keyed command, so even two retries racing each other apply it once. */
  updateIdOf(userId: string, key: string): string {
    return `idempotency-${createHash('sha256')
      .update(JSON.stringify([userId, key]))
      .digest('hex')}`;
  }
}
