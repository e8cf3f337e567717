/**
 * RFC 9457 problem details: every error the API answers is one of these, as application/problem+json.
 * Titles and details are fixed sentences; nothing a client sent (it may be PHI) is ever echoed, field
 * names aside, and those only when they look like field names (docs/api.md, "Errors").
 */
import { HttpStatus } from '@nestjs/common';
import type { z } from 'zod';

export const problemContentType = 'application/problem+json';

/** One field at fault: where, and what is wrong with it in words (never its value). */
export interface FieldProblem {
  readonly path: string;
  readonly problem: string;
}

export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  /** The request's id, as urn:uuid or the client's X-Request-Id, to find its log lines and audit record. */
  readonly instance?: string;
  /** A domain rule's stable code (422) or the problem's own. */
  readonly code?: string;
  /** Every field at fault (400). */
  readonly errors?: readonly FieldProblem[];
  /** The fields whose content differs from what was stored first (409 on a referral). */
  readonly conflictingFields?: readonly string[];
}

const problemType = (slug: string): string => `urn:careflow:problem:${slug}`;

/** Thrown by routes and services; the problem-details filter answers it as it is. */
export class ProblemException extends Error {
  override readonly name = 'ProblemException';

  constructor(
    readonly problem: Omit<ProblemDetails, 'type' | 'instance'> & { readonly slug: string },
    /** Response headers the problem needs (WWW-Authenticate, Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
    /** Why access was refused, for the audit record only (a 404 that hides another department's object). */
    readonly denial?: string,
  ) {
    super(problem.title);
  }

  get status(): number {
    return this.problem.status;
  }

  details(instance: string): ProblemDetails {
    const { slug, ...rest } = this.problem;
    return { type: problemType(slug), ...rest, instance };
  }
}

export const invalidRequest = (errors: readonly FieldProblem[], detail = 'The request has fields at fault; each is named in errors.') =>
  new ProblemException({ slug: 'invalid-request', title: 'The request is not valid', status: HttpStatus.BAD_REQUEST, detail, errors });

export const unauthenticated = (detail: string) =>
  new ProblemException(
    { slug: 'unauthenticated', title: 'Sign-in required', status: HttpStatus.UNAUTHORIZED, detail },
    { 'WWW-Authenticate': 'Bearer' },
  );

export const forbidden = () =>
  new ProblemException({
    slug: 'forbidden',
    title: 'Not permitted',
    status: HttpStatus.FORBIDDEN,
    detail: 'Your role may not do this.',
  });

/**
 * Unknown, or of a department the caller does not work in: the two answers are the same on purpose;
 * `denial` tells only the audit record which it was.
 */
export const notFound = (what = 'resource', denial?: string) =>
  new ProblemException({ slug: 'not-found', title: 'Not found', status: HttpStatus.NOT_FOUND, detail: `No such ${what}.` }, {}, denial);

export const ruleRefusal = (code: string, message: string) =>
  new ProblemException({
    slug: 'rule-refusal',
    title: 'Refused by a rule',
    status: HttpStatus.UNPROCESSABLE_ENTITY,
    code,
    detail: message,
  });

export const conflict = (slug: string, detail: string, conflictingFields?: readonly string[]) =>
  new ProblemException({
    slug,
    title: 'Conflict',
    status: HttpStatus.CONFLICT,
    detail,
    ...(conflictingFields === undefined ? {} : { conflictingFields }),
  });

export const serviceUnavailable = (slug: string, detail: string) =>
  new ProblemException({ slug, title: 'Service unavailable', status: HttpStatus.SERVICE_UNAVAILABLE, detail }, { 'Retry-After': '5' });

// Unknown keys are named only when they look like field names: a key could carry PHI. Path steps are
// the schema's own fields or the keys of its records (codes such as 97124), so digits may lead there.
const fieldNamePattern = /^[A-Za-z_$][\w$]{0,63}$/;
const pathStepPattern = /^[\w$][\w$-]{0,63}$/;

const pathOf = (root: string, path: readonly PropertyKey[]): string =>
  path.reduce<string>((text, step) => {
    if (typeof step === 'number') return `${text}[${step}]`;
    const name = String(step);
    return pathStepPattern.test(name) ? (text === '' ? name : `${text}.${name}`) : `${text}.?`;
  }, root);

/**
 * Every zod issue as a field and its problem. The domain's schemas word their messages without the
 * value ("must be a calendar date"); zod's own messages name types and options, never the value.
 */
export const fieldProblems = (error: z.ZodError, root = ''): FieldProblem[] => {
  const problems = error.issues.flatMap((issue): FieldProblem[] => {
    const path = pathOf(root, issue.path);
    if (issue.code !== 'unrecognized_keys') return [{ path: path === '' ? '(body)' : path, problem: issue.message }];
    return issue.keys.map((key) =>
      fieldNamePattern.test(key)
        ? { path: path === '' ? key : `${path}.${key}`, problem: 'is not a field it knows' }
        : { path: path === '' ? '(body)' : path, problem: 'has a field it does not know' },
    );
  });
  // One field failing two checks worded alike (empty, and blank) is named once.
  const seen = new Set<string>();
  return problems.filter(({ path, problem }) => {
    const key = JSON.stringify([path, problem]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
};

/** The value as the schema reads it, or 400 naming every field at fault. */
export const parseOr400 = <S extends z.ZodType>(schema: S, value: unknown, root = ''): z.infer<S> => {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidRequest(fieldProblems(parsed.error, root));
  return parsed.data;
};
