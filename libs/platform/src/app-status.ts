import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Registry } from 'prom-client';

/**
 * What an app without an API of its own shows beyond its dependencies: its Prometheus registry
 * (served on /metrics) and named status sources (added to /health), plus what to stop on shutdown.
 * Plain state, so the HTTP side (serveHealth) needs no Nest controller.
 */
@Injectable()
export class AppStatus implements OnApplicationShutdown {
  readonly registry = new Registry();
  private readonly sources = new Map<string, () => unknown>();
  private readonly stops: Array<() => Promise<void>> = [];

  /** Adds `name: status()` to /health. */
  report(name: string, status: () => unknown): void {
    this.sources.set(name, status);
  }

  /** Runs at shutdown, latest first. */
  stopOnShutdown(stop: () => Promise<void>): void {
    this.stops.unshift(stop);
  }

  statuses(): Record<string, unknown> {
    return Object.fromEntries([...this.sources].map(([name, status]) => [name, status()]));
  }

  async onApplicationShutdown(): Promise<void> {
    for (const stop of this.stops.splice(0)) await stop();
  }
}
