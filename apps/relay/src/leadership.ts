import postgres, { type Sql } from 'postgres';
import type { Logger } from '@careflow/config';

/** The advisory lock every relay of one database competes for (two keys: careflow's class, the relay). */
const lockClass = 0x63_66_6c_77; // "cflw"
const relayLock = 1;

export interface LeadershipOptions {
  readonly url: string;
  readonly applicationName: string;
  /**
   * The lock session's idle_session_timeout: PostgreSQL ends the session of a leader that stops
   * talking this long (frozen process, stopped VM), which frees the lock for a standby.
   */
  readonly leaderTimeoutMs: number;
  readonly logger: Logger;
}

export interface Leadership {
  /** True while this process holds the lock, as last confirmed on its session. */
  isLeader(): boolean;
  /** Resolves once this process holds the lock (or the campaign was stopped). */
  untilLeader(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Only one relay publishes at a time: the leader holds a session-level advisory lock on a dedicated
 * connection of its own and confirms every beat that its session still holds it. A killed leader's
 * session ends with it; a stalled one is ended by PostgreSQL (idle_session_timeout), so a standby
 * takes over within about one timeout plus one beat. A resumed former leader sees its session gone
 * and stops before its next batch; what it was sending at that moment may be duplicated on the topic,
 * never reordered (each producer sends an episode's events in stream order).
 */
export const campaignForLeadership = ({ url, applicationName, leaderTimeoutMs, logger }: LeadershipOptions): Leadership => {
  const beatMs = Math.max(200, Math.floor(leaderTimeoutMs / 5));
  let session: Sql | undefined;
  let leader = false;
  let stopped = false;
  let waiters: Array<() => void> = [];
  let timer: NodeJS.Timeout | undefined;

  const openSession = (): Sql =>
    postgres(url, {
      max: 1,
      idle_timeout: 0,
      max_lifetime: null,
      fetch_types: false,
      onnotice: () => undefined,
      connect_timeout: 5,
      connection: { application_name: applicationName, idle_session_timeout: leaderTimeoutMs },
    });

  const dropSession = async (): Promise<void> => {
    const old = session;
    session = undefined;
    await old?.end({ timeout: 1 }).catch(() => undefined);
  };

  const setLeader = (value: boolean): void => {
    if (value === leader) return;
    leader = value;
    logger.info(value ? 'relay is the leader: publishing the outbox' : 'relay is no longer the leader: standing by');
    if (value) {
      for (const wake of waiters) wake();
      waiters = [];
    }
  };

  const beat = async (): Promise<void> => {
    session ??= openSession();
    try {
      if (leader) {
        // The session may have been ended (timeout, restart) and silently replaced by a new one.
        const [row] = await session<{ held: boolean }[]>`
          SELECT EXISTS (
            SELECT 1 FROM pg_locks
            WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
              AND classid = ${lockClass}::oid AND objid = ${relayLock}::oid AND objsubid = 2) AS held`;
        if (row?.held !== true) {
          setLeader(false);
          await dropSession();
        }
      } else {
        const [row] = await session<{ acquired: boolean }[]>`SELECT pg_try_advisory_lock(${lockClass}::int, ${relayLock}::int) AS acquired`;
        setLeader(row?.acquired === true);
      }
    } catch {
      setLeader(false);
      await dropSession();
    }
  };

  const loop = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      void beat().finally(loop);
    }, beatMs);
  };
  void beat().finally(loop);

  return {
    isLeader: () => leader && !stopped,
    untilLeader: () => (leader || stopped ? Promise.resolve() : new Promise<void>((resolve) => waiters.push(resolve))),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      for (const wake of waiters) wake();
      waiters = [];
      leader = false;
      await dropSession();
    },
  };
};
