import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { healthEnv, loadConfig, type Logger } from '@careflow/config';
import { AppStatus } from './app-status';
import { DependencyHealth } from './dependency-health';

/**
 * For an app without HTTP: when HEALTH_PORT is set, GET /health answers as the api's does (the
 * dependency report; 200 when every server is up, 503 otherwise) with the app's AppStatus reports
 * (a consumer's lag, progress and stall), and GET /metrics serves the AppStatus registry, so Docker,
 * Kubernetes and Prometheus can watch the worker and the consumers too. Nothing else is served. The
 * server does not keep the process alive: stopping stays with closeOnSignals.
 */
export const serveHealth = async (
  app: INestApplicationContext,
  logger: Logger,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<Server | undefined> => {
  const { HEALTH_PORT, HEALTH_HOST } = loadConfig(healthEnv, env);
  if (HEALTH_PORT === undefined) return undefined;
  const health = app.get(DependencyHealth);
  const status = app.get(AppStatus);
  const server = createServer((request, response) => {
    if (request.method === 'GET' && request.url === '/metrics') {
      status.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': status.registry.contentType }).end(text),
        () => response.writeHead(500).end(),
      );
      return;
    }
    if (request.method !== 'GET' || request.url !== '/health') {
      response.writeHead(404).end();
      return;
    }
    health.check().then(
      (report) =>
        response
          .writeHead(report.status === 'up' ? 200 : 503, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ...report, ...status.statuses() })),
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
