/**
 * `npm run audit -- verify`: walks the audit trail and names the first broken record (exit 2), with
 * DATABASE_URL (SELECT is enough) and AUDIT_HMAC_KEYS.
 * `npm run audit -- purge`: deletes the records past AUDIT_RETENTION_YEARS behind a signed checkpoint,
 * with MIGRATION_DATABASE_URL (the schema owner; no application role may delete).
 */
import { databaseEnv, loadConfig } from '@careflow/config';
import { closeDatabaseClient, createDatabaseClient } from '@careflow/event-store';
import { auditEnv } from './config';
import { purgeExpiredAuditRecords } from './purge';
import { verifyAuditTrail } from './verifier';

const verify = async (): Promise<number> => {
  const config = loadConfig({ DATABASE_URL: databaseEnv.DATABASE_URL, AUDIT_HMAC_KEYS: auditEnv.AUDIT_HMAC_KEYS });
  const sql = createDatabaseClient(config.DATABASE_URL, { applicationName: 'careflow-audit-verify', maxConnections: 1 });
  try {
    const { recordsChecked, resumedAfterSequence, firstBreak } = await verifyAuditTrail(sql, config.AUDIT_HMAC_KEYS);
    const from = resumedAfterSequence === 0 ? 'the beginning' : `the checkpoint after record ${resumedAfterSequence}`;
    if (firstBreak === null) {
      process.stdout.write(`careflow audit: ${recordsChecked} records verified from ${from}\n`);
      return 0;
    }
    process.stdout.write(
      `careflow audit: record ${firstBreak.sequence} does not verify (${firstBreak.reason}); ${recordsChecked} records before it verified from ${from}\n`,
    );
    return 2;
  } finally {
    await closeDatabaseClient(sql);
  }
};

const purge = async (): Promise<number> => {
  const config = loadConfig({ MIGRATION_DATABASE_URL: databaseEnv.DATABASE_URL, ...auditEnv });
  const sql = createDatabaseClient(config.MIGRATION_DATABASE_URL, { applicationName: 'careflow-audit-purge', maxConnections: 1 });
  try {
    const result = await purgeExpiredAuditRecords(sql, config.AUDIT_HMAC_KEYS, { retentionYears: config.AUDIT_RETENTION_YEARS });
    process.stdout.write(
      result.checkpoint === null
        ? 'careflow audit: no record is past retention\n'
        : `careflow audit: purged ${result.purged} records up to record ${result.checkpoint.lastPurgedSequence}\n`,
    );
    return 0;
  } finally {
    await closeDatabaseClient(sql);
  }
};

const commands: Readonly<Record<string, () => Promise<number>>> = { verify, purge };

const main = async (): Promise<void> => {
  const command = commands[process.argv[2] ?? ''];
  if (!command) throw new Error('usage: npm run audit -- verify|purge');
  process.exitCode = await command();
};

main().catch((error: unknown) => {
  process.stderr.write(`careflow audit: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
