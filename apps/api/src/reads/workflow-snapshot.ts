import { Client, type Connection, WorkflowNotFoundError } from '@temporalio/client';
import { careEpisodeWorkflowId, episodeSnapshotQuery } from '@careflow/contracts';
import { createDataConverter, type PayloadKeyring } from '@careflow/temporal';
import type { EpisodeSnapshotSource } from '../episodes-read/episode-reads';
import { serviceUnavailable } from '../http';

/** The running episode's own answer (state and due dates); undefined when it has no workflow. */
export const workflowSnapshot = (connection: Connection, namespace: string, keyring: PayloadKeyring): EpisodeSnapshotSource => {
  const client = new Client({ connection, namespace, dataConverter: createDataConverter(keyring, namespace) });
  return async (episodeId) => {
    try {
      return await client.workflow.getHandle(careEpisodeWorkflowId(episodeId)).query(episodeSnapshotQuery);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      // Due dates are the workflow's: without it the answer would be silently incomplete.
      throw serviceUnavailable('workflow-unavailable', "The episode's workflow cannot be asked for its state; try again.");
    }
  };
};
