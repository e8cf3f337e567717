/**
 * `npm run token -- --role therapist --department D1 --user u-7 [--purpose treatment] [--minutes 60]`:
 * prints a local HS256 token signed with AUTH_JWT_SECRET for AUTH_JWT_ISSUER and AUTH_JWT_AUDIENCE
 * (the API's defaults when unset). Without AUTH_JWT_SECRET it signs with the secret `npm start` made
 * for the local API. `--department` may be repeated.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { mintLocalToken } from './local-token';
import { isStaffRole, purposesOfUse, staffRoles, type PurposeOfUse } from './permissions';
import { localTokenDefaults } from './local-defaults';
import { needsDepartment } from './token-verifier';

const usage = `usage: npm run token -- --role <${staffRoles.join('|')}> --user <user id> [--department <id>]... [--purpose <${purposesOfUse.join('|')}>] [--minutes <lifetime>]`;

/** Where infra/local/run-local keeps the local API's token secret. */
const localApiSecret = (): string | undefined => {
  const stateDirectory = process.env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state');
  try {
    return readFileSync(join(stateDirectory, 'careflow', 'auth-jwt-secret'), 'utf8').trim();
  } catch {
    return undefined;
  }
};

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      user: { type: 'string' },
      department: { type: 'string', multiple: true },
      purpose: { type: 'string' },
      minutes: { type: 'string', default: String(localTokenDefaults.lifetimeMinutes) },
    },
    strict: true,
  });
  const secret = process.env['AUTH_JWT_SECRET'] || localApiSecret();
  if (!secret) throw new Error('AUTH_JWT_SECRET is not set, and npm start has not made a local secret yet');
  if (!isStaffRole(values.role)) throw new Error(`--role must be one of ${staffRoles.join(', ')}\n${usage}`);
  if (!values.user) throw new Error(`--user is required\n${usage}`);
  if (needsDepartment(values.role) && !values.department) throw new Error(`--department is required for the ${values.role} role`);
  const purpose = values.purpose;
  if (purpose !== undefined && !(purposesOfUse as readonly string[]).includes(purpose)) {
    throw new Error(`--purpose must be one of ${purposesOfUse.join(', ')}`);
  }
  const minutes = Number(values.minutes);
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > localTokenDefaults.maxTokenAgeSeconds / 60) {
    throw new Error(`--minutes must be a whole number from 1 to ${localTokenDefaults.maxTokenAgeSeconds / 60}`);
  }
  const token = await mintLocalToken({
    secret,
    issuer: process.env['AUTH_JWT_ISSUER'] ?? localTokenDefaults.issuer,
    audience: process.env['AUTH_JWT_AUDIENCE'] ?? localTokenDefaults.audience,
    principal: {
      userId: values.user,
      role: values.role,
      departments: values.department ?? [],
      ...(purpose === undefined ? {} : { purposeOfUse: purpose as PurposeOfUse }),
    },
    lifetimeSeconds: minutes * 60,
  });
  process.stdout.write(`${token}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`careflow token: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
