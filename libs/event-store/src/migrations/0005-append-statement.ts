import type { Migration } from './migration';

/**
 * Appends become one prepared statement sent by the store (event-store.ts) instead of a PL/pgSQL
 * function: a function call, its SPI statements and the streams row it kept cost about as much as
 * the insert itself. The stream's head is now its last event, and the unique (stream, version)
 * index is what makes one racing writer win. The hash chain rule stays in the database, here.
 */
export const appendStatementMigration: Migration = {
  version: 5,
  name: 'append as one statement; stream head is the last event',
  sql: /* sql */ `
DROP FUNCTION append_to_stream(text, integer, jsonb, text, text);
DROP TABLE streams;

-- The per-stream hash chain: each event's hash = sha256(previous hash || content hash), the first
-- event's previous hash being 32 zero bytes. Returns the hashes of p_contents, in order.
-- (hashing.ts computes the same in the verifier.)
CREATE FUNCTION chain_hashes(p_previous bytea, p_contents bytea[]) RETURNS bytea[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  v_hash bytea := p_previous;
  v_hashes bytea[] := '{}';
BEGIN
  FOR i IN 1..coalesce(array_length(p_contents, 1), 0) LOOP
    v_hash := sha256(v_hash || p_contents[i]);
    v_hashes := array_append(v_hashes, v_hash);
  END LOOP;
  RETURN v_hashes;
END
$fn$;
`,
};
