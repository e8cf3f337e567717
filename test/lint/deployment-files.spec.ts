import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * What the schemas cannot say about deploy/kubernetes and docker-compose.yml (the schemas themselves
 * are checked by infra/local/lint-deploy): every app is deployed, probed on /health, bounded in CPU
 * and memory, and gets its secrets by reference; the worker is given longer to stop than it drains.
 */
const workspaceRoot = join(__dirname, '..', '..');
const kubernetesDir = join(workspaceRoot, 'deploy', 'kubernetes');
const apps = ['api', 'worker', 'relay', 'billing', 'reporting', 'notices'];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: unknown };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface Workload {
  kind: string;
  metadata: { name: string };
  spec?: { template?: { spec: { terminationGracePeriodSeconds?: number; containers: Container[] } } };
}

const resources = readdirSync(kubernetesDir)
  .filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml')
  .flatMap((file) => parseAllDocuments(readFileSync(join(kubernetesDir, file), 'utf8')).map((document) => document.toJS() as Workload));
const deployment = (app: string): Workload => {
  const found = resources.find((resource) => resource.kind === 'Deployment' && resource.metadata.name === `careflow-${app}`);
  if (!found) throw new Error(`no Deployment careflow-${app}`);
  return found;
};
const podOf = (workload: Workload) => workload.spec?.template?.spec ?? { containers: [] };
const containerOf = (workload: Workload): Container => {
  const [container] = podOf(workload).containers;
  if (!container) throw new Error(`${workload.metadata.name} has no container`);
  return container;
};
/** Names that carry credentials or keys: never a literal value in a manifest. */
const secretLike = /(URL|KEYS|SECRET|PASSWORD|TOKEN)$/;

describe('Kubernetes manifests', () => {
  it.each(apps)('deploy %s, probed on /health for readiness and liveness, with CPU and memory requests and limits', (app) => {
    const container = containerOf(deployment(app));
    expect(container.image).toBe(`careflow/${app}`);
    expect(container.readinessProbe?.httpGet?.path).toBe('/health');
    expect(container.livenessProbe?.httpGet?.path).toBe('/health');
    for (const bound of [container.resources?.requests, container.resources?.limits]) {
      expect(Object.keys(bound ?? {}).sort()).toEqual(['cpu', 'memory']);
    }
  });

  it('give every secret by reference to a Secret, never as a value', () => {
    const literals = resources
      .flatMap((resource) => podOf(resource).containers.flatMap((container) => container.env ?? []))
      .filter((variable) => secretLike.test(variable.name) && !variable.valueFrom?.secretKeyRef);
    expect(literals.map((variable) => variable.name)).toEqual([]);
    expect(resources.filter((resource) => resource.kind === 'Secret')).toEqual([]);
  });

  it('give the worker longer to stop than its drain (WORKER_SHUTDOWN_GRACE_MS) takes', () => {
    const worker = deployment('worker');
    const drainMs = Number(containerOf(worker).env?.find((variable) => variable.name === 'WORKER_SHUTDOWN_GRACE_MS')?.value);
    expect(drainMs).toBeGreaterThan(0);
    expect((podOf(worker).terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThanOrEqual(drainMs + 15_000);
  });
});

describe('docker-compose.yml', () => {
  const compose = parseAllDocuments(readFileSync(join(workspaceRoot, 'docker-compose.yml'), 'utf8'))[0]?.toJS({ maxAliasCount: -1 }) as {
    services: Record<string, { build?: { target?: string }; environment?: Record<string, string>; stop_grace_period?: string }>;
  };

  it.each(apps)('builds %s from its Dockerfile target and gives it its own database URL only', (app) => {
    const service = compose.services[app];
    expect(service?.build?.target).toBe(app);
    const databaseVariables = Object.keys(service?.environment ?? {}).filter((name) => name.endsWith('DATABASE_URL'));
    expect(databaseVariables).toEqual([`${app.toUpperCase()}_DATABASE_URL`]);
  });

  it('gives the worker longer to stop than its drain takes', () => {
    const worker = compose.services['worker'];
    const drainMs = Number(worker?.environment?.['WORKER_SHUTDOWN_GRACE_MS']);
    expect(Number.parseInt(worker?.stop_grace_period ?? '10s', 10) * 1000).toBeGreaterThanOrEqual(drainMs + 10_000);
  });
});
