/**
 * The API's clients of the servers behind it: the Temporal client (with the payload codec, so PHI is
 * encrypted before it leaves), the patient-key derivation and the episode task queue.
 */
import type { Provider } from '@nestjs/common';
import { Client, type Connection } from '@temporalio/client';
import { patientKeyring } from '@careflow/messaging';
import { TEMPORAL_CONNECTION } from '@careflow/platform';
import { createDataConverter, keyringFromEnv } from '@careflow/temporal';
import type { ApiConfig } from './config';

export const TEMPORAL_CLIENT = Symbol('careflow.api.temporal-client');
export const PATIENT_KEY = Symbol('careflow.api.patient-key');
export const EPISODE_TASK_QUEUE = Symbol('careflow.api.episode-task-queue');

/** The pseudonymous patient key of an MRN at this deployment's facility (docs/integration-events.md). */
export type PatientKeyOf = (mrn: string) => string;

export const apiServices = (config: ApiConfig): Provider[] => {
  const keyring = patientKeyring(config.PATIENT_KEY_SECRETS);
  return [
    {
      provide: TEMPORAL_CLIENT,
      inject: [TEMPORAL_CONNECTION],
      useFactory: (connection: Connection) =>
        new Client({
          connection,
          namespace: config.TEMPORAL_NAMESPACE,
          dataConverter: createDataConverter(keyringFromEnv(config.PAYLOAD_KEYS), config.TEMPORAL_NAMESPACE),
        }),
    },
    { provide: PATIENT_KEY, useValue: ((mrn) => keyring(config.FACILITY_ID, mrn)) satisfies PatientKeyOf },
    { provide: EPISODE_TASK_QUEUE, useValue: config.TEMPORAL_TASK_QUEUE },
  ];
};
