/**
 * Request bodies are read by the API's own middleware, not by Nest's default parser: a body that cannot
 * be read (invalid JSON, too large, a charset it cannot decode) is kept as a problem on the request and
 * refused by the guard once the caller is known, so the attempt gets its audit record like any other
 * refused request (docs/api.md, "Errors"). Nest's parser would refuse it before any route or guard ran.
 */
import { HttpStatus, type NestApplicationOptions } from '@nestjs/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { requestState } from './caller';
import { ProblemException } from './problem';

/** How every app that serves the API must be created: without Nest's body parser (see bodyReader). */
export const apiApplicationOptions = { bodyParser: false } as const satisfies NestApplicationOptions;

/** body-parser's default, which Nest's parser applied before. */
const defaultJsonLimit = '100kb';

interface UnreadableBody {
  readonly slug: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
}

const notJson: UnreadableBody = {
  slug: 'body-not-json',
  title: 'The request is not valid',
  status: HttpStatus.BAD_REQUEST,
  detail: 'The body is not valid JSON.',
};
const unreadable: readonly UnreadableBody[] = [
  notJson,
  {
    slug: 'body-too-large',
    title: 'The request body is too large',
    status: HttpStatus.PAYLOAD_TOO_LARGE,
    detail: 'The body is larger than this route accepts.',
  },
  {
    slug: 'body-encoding-unsupported',
    title: 'Unsupported media type',
    status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
    detail: 'The body is in a charset or encoding this API does not read; send UTF-8 JSON.',
  },
];

/** The status body-parser gives a body it cannot read (its `type` is `entity.*` or `charset.*`, …). */
const parserStatusOf = (error: unknown): number | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const { type, status } = error as { type?: unknown; status?: unknown };
  return typeof type === 'string' && typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
};

/**
 * A body parser whose refusal does not end the request: it is kept on the request for the guard. Its
 * message is dropped unread, since body-parser quotes the body it failed on.
 */
export const bodyReader =
  (parser: RequestHandler): RequestHandler =>
  (request: Request, response: Response, next: NextFunction) => {
    void parser(request, response, (error?: unknown) => {
      if (error === undefined || error === null) {
        next();
        return;
      }
      const status = parserStatusOf(error);
      if (status === undefined) {
        next(error);
        return;
      }
      requestState(request).unreadableBody = status;
      next();
    });
  };

/** application/json on every route. */
export const jsonBodyReader = (): RequestHandler => bodyReader(json({ limit: defaultJsonLimit }));

/** The problem of a body the middleware could not read; a status it does not know is answered as invalid JSON. */
export const unreadableBodyProblem = (status: number): ProblemException =>
  new ProblemException(unreadable.find((body) => body.status === status) ?? notJson);
