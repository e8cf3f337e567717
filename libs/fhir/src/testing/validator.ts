/**
 * The HAPI FHIR validator service of the local stack (infra/local/stack.d/fhir-validator.sh), for
 * integration specs (test code only): POST a resource, get its OperationOutcome.
 */
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4';

export const validatorUrl = (): string => {
  const url = process.env['FHIR_VALIDATOR_URL'];
  if (url === undefined || url === '') throw new Error('FHIR_VALIDATOR_URL is not set: eval "$(bash infra/local/stack env)" first');
  return url;
};

export const validate = async (resource: unknown): Promise<OperationOutcome> => {
  const response = await fetch(`${validatorUrl()}/validate`, {
    method: 'POST',
    headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify(resource),
  });
  if (!response.ok) throw new Error(`the FHIR validator answered ${response.status}`);
  return (await response.json()) as OperationOutcome;
};

/** An issue in a line a reader can scan: severity, location and message. */
export const describeIssue = (issue: OperationOutcomeIssue): string =>
  `${issue.severity} at ${(issue.expression ?? issue.location ?? []).join(', ')}: ${issue.diagnostics ?? ''}`;

export const errorsOf = (outcome: OperationOutcome): string[] =>
  outcome.issue.filter((issue) => issue.severity === 'error' || issue.severity === 'fatal').map(describeIssue);

export const warningsOf = (outcome: OperationOutcome): string[] =>
  outcome.issue.filter((issue) => issue.severity === 'warning').map(describeIssue);
