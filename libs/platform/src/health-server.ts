import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { healthEnv, loadConfig, type Logger } from '@careflow/config';
import { DependencyHealth } from './dependency-health';

/**
 * For an app without HTTP: when HEALTH_PORT is set, GET /health answers as the api's does (the
 * dependency report; 200 when every server is up, 503 otherwise), so Docker and Kubernetes can
 * probe the worker, relay and consumers too. Nothing else is served. The server does not keep the
 * process alive: stopping stays with closeOnSignals.
 */
export const serveHealth = async (
  app: INestApplicationContext,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Server | undefined> => {
  const { HEALTH_PORT, HEALTH_HOST } = loadConfig(healthEnv, env);
  if (HEALTH_PORT === undefined) return undefined;
  const health = app.get(DependencyHealth);
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url !== '/health') {
      response.writeHead(404).end();
      return;
    }
    health.check().then(
      (report) =>
        response.writeHead(report.status === 'up' ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify(report)),
      () => response.writeHead(503).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(HEALTH_PORT, HEALTH_HOST, resolve);
  });
  server.unref();
  logger.info({ port: (server.address() as AddressInfo).port }, 'health listening');
  return server;
};
