import type { Migration } from './migration';

/**
 * The audit trail of who touched which PHI (HIPAA §164.312(b)); written and verified by libs/audit.
 * One hash chain over all records, each hash an HMAC whose key lives in configuration, never here,
 * so a row inserted or changed by someone holding database credentials does not verify. Records past
 * retention are deleted only behind a signed checkpoint, from which the chain stays verifiable.
 */
export const auditTrailMigration: Migration = {
  version: 5,
  name: 'audit trail',
  sql: /* sql */ `
CREATE TABLE audit_records (
  sequence        bigint PRIMARY KEY CHECK (sequence >= 1),
  recorded_at     timestamptz NOT NULL,
  -- Null only for a caller whose token was refused: nobody could be named.
  user_id         text,
  user_role       text,
  action          text NOT NULL CHECK (action IN ('create', 'read', 'update', 'delete', 'execute')),
  operation       text NOT NULL,
  resource_type   text NOT NULL,
  resource_id     text,
  patient_key     text,
  department_id   text,
  client_address  text,
  purpose_of_use  text CHECK (purpose_of_use IN ('treatment', 'payment', 'operations', 'audit')),
  outcome         text NOT NULL CHECK (outcome IN ('success', 'denied', 'error')),
  outcome_reason  text,
  request_id      text,
  key_id          text NOT NULL,
  previous_hash   bytea NOT NULL CHECK (octet_length(previous_hash) = 32),
  hash            bytea NOT NULL CHECK (octet_length(hash) = 32)
);

CREATE INDEX audit_records_recorded_at_idx ON audit_records (recorded_at);
CREATE INDEX audit_records_resource_idx ON audit_records (resource_type, resource_id, recorded_at);
CREATE INDEX audit_records_user_idx ON audit_records (user_id, recorded_at);
CREATE INDEX audit_records_patient_idx ON audit_records (patient_key, recorded_at) WHERE patient_key IS NOT NULL;

-- Where the chain resumes after a purge: the last purged record's sequence and hash, signed.
CREATE TABLE audit_checkpoints (
  last_purged_sequence    bigint PRIMARY KEY CHECK (last_purged_sequence >= 1),
  last_purged_hash        bytea NOT NULL CHECK (octet_length(last_purged_hash) = 32),
  last_purged_recorded_at timestamptz NOT NULL,
  created_at              timestamptz NOT NULL,
  key_id                  text NOT NULL,
  signature               bytea NOT NULL CHECK (octet_length(signature) = 32)
);

-- Grants keep the application roles from changing the trail; these triggers also stop the owner's
-- slip. The one deletion allowed is the retention purge (careflow.audit_purge set in its
-- transaction), and only of records a checkpoint already covers.
CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $fn$
BEGIN
  IF TG_OP = 'DELETE' AND TG_TABLE_NAME = 'audit_records' AND current_setting('careflow.audit_purge', true) = 'on' THEN
    IF OLD.sequence <= (SELECT max(last_purged_sequence) FROM audit_checkpoints) THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'the audit trail is append-only: % on % is not allowed', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER audit_records_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_records
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_records_refuse_truncate BEFORE TRUNCATE ON audit_records
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_checkpoints_refuse_update_delete BEFORE UPDATE OR DELETE ON audit_checkpoints
  FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_checkpoints_refuse_truncate BEFORE TRUNCATE ON audit_checkpoints
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
`,
};

export const auditTables: readonly string[] = ['audit_records', 'audit_checkpoints'];
