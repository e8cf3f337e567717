/**
 * Every command checked against its schema (commands.ts) before any rule runs, so `decide` refuses
 * malformed input with INVALID_COMMAND (or a rule's own code) instead of deciding on it.
 */
import { z } from 'zod';
import { DomainError, type DomainErrorCode } from '../errors';
import { therapistProfileSchema } from '../routing/types';
import { firstProblem } from '../validation';
import { commandSchemas, type CareEpisodeCommand, type CareEpisodeCommandType } from './commands';

/**
 * Why a therapist's profile cannot be offered referrals (undefined when it can): the directory skips
 * such a profile instead of letting it refuse routing for the whole department.
 */
export const therapistProfileProblem = (value: unknown): string | undefined => {
  const parsed = therapistProfileSchema.safeParse(value);
  return parsed.success ? undefined : firstProblem(parsed.error, 'therapist');
};

/** The JSON Schema of each command, for clients and the API's documentation. */
export const commandJsonSchemas = (): Readonly<Record<CareEpisodeCommandType, z.core.JSONSchema.BaseSchema>> => {
  // Unavoidable casts: Object.keys and a record filled key by key lose the key type; every key is filled.
  const schemas: Partial<Record<CareEpisodeCommandType, z.core.JSONSchema.BaseSchema>> = {};
  for (const type of Object.keys(commandSchemas) as CareEpisodeCommandType[]) {
    schemas[type] = z.toJSONSchema(commandSchemas[type]);
  }
  return schemas as Record<CareEpisodeCommandType, z.core.JSONSchema.BaseSchema>;
};

/** Fields whose problems have a rule's own code, so clients see the rule rather than a shape error. */
const fieldCodes: ReadonlyArray<{ type: CareEpisodeCommandType; path: string; code: DomainErrorCode }> = [
  { type: 'ReceiveReferral', path: 'command.referral', code: 'INVALID_REFERRAL' },
  { type: 'RecordReevaluation', path: 'command.reason', code: 'REEVALUATION_REASON_REQUIRED' },
  { type: 'DischargeEpisode', path: 'command.reason', code: 'INVALID_DISCHARGE_REASON' },
];

const isCommandType = (value: unknown): value is CareEpisodeCommandType =>
  typeof value === 'string' && Object.prototype.hasOwnProperty.call(commandSchemas, value);

/** The command, typed, or the first problem with its shape. */
export const parseCommand = (value: unknown): CareEpisodeCommand | DomainError => {
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (!isCommandType(type)) {
    return new DomainError('INVALID_COMMAND', 'The command type is not one the care episode knows.');
  }
  const parsed = commandSchemas[type].safeParse(value);
  if (parsed.success) return parsed.data;
  const problem = firstProblem(parsed.error, 'command');
  const code = fieldCodes.find((entry) => entry.type === type && problem.startsWith(entry.path))?.code ?? 'INVALID_COMMAND';
  return new DomainError(code, `The ${type} command is not valid: ${problem}.`, { commandType: type });
};
