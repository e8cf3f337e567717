import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, posix } from 'node:path';

/**
 * Runs a Dockerfile's steps without Docker, for machines without a daemon: each stage's filesystem
 * is a directory, FROM another stage copies that stage's directory, COPY copies from the build
 * context (or --from a stage), RUN runs the command with the stage's ENV in its WORKDIR. A base image
 * is an empty directory: the host's node and npm stand in for the image's. Instructions this runner
 * does not know fail the run, so the Dockerfile cannot outgrow what the test exercises.
 */
export interface Stage {
  readonly name: string;
  readonly from: string;
  readonly instructions: ReadonlyArray<{ readonly keyword: string; readonly args: string }>;
}

export const parseDockerfile = (text: string): Stage[] => {
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Array<{ name: string; from: string; instructions: Array<{ keyword: string; args: string }> }> = [];
  for (const line of lines) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword === 'FROM') {
      const [from = '', , name = from] = rest;
      stages.push({ name, from, instructions: [] });
    } else if (keyword === 'ARG' && stages.length === 0) {
      continue;
    } else {
      const stage = stages.at(-1);
      if (!stage) throw new Error(`${keyword} before the first FROM`);
      stage.instructions.push({ keyword, args });
    }
  }
  return stages;
};

const run = (command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): void => {
  const result = spawnSync(command, args, { ...options, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${String(result.status)}):\n${result.stdout.slice(-4000)}${result.stderr.slice(-4000)}`,
    );
  }
};

const parseEnv = (args: string): Record<string, string> =>
  Object.fromEntries(args.split(/\s+/).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));

export interface BuiltTarget {
  /** The target stage's filesystem root. */
  readonly root: string;
  readonly workdir: string;
  readonly env: Record<string, string>;
  readonly cmd: readonly string[];
  readonly healthcheck: readonly string[] | undefined;
  readonly user: string | undefined;
}

/**
 * A builder of targets from `context` into directories under `scratch`; stages built once are
 * reused. runSeconds lists how long each RUN step took.
 */
export const dockerfileBuilder = (stages: readonly Stage[], context: string, scratch: string) => {
  const built = new Map<string, BuiltTarget>();
  const runSeconds: Array<{ command: string; seconds: number }> = [];

  const build = (name: string): BuiltTarget => {
    const done = built.get(name);
    if (done) return done;
    const stage = stages.find((candidate) => candidate.name === name);
    if (!stage) throw new Error(`no stage ${name}`);
    const root = join(scratch, name);
    const parent = stages.some((candidate) => candidate.name === stage.from) ? build(stage.from) : undefined;
    mkdirSync(scratch, { recursive: true });
    if (parent) run('cp', ['-a', parent.root, root], { cwd: scratch });
    else mkdirSync(root, { recursive: true });
    let workdir = parent?.workdir ?? '/';
    let env: Record<string, string> = { ...parent?.env };
    let cmd = parent?.cmd ?? [];
    let healthcheck = parent?.healthcheck;
    let user = parent?.user;
    const inStage = (path: string, base = root): string => join(base, isAbsolute(path) ? path : posix.join(workdir, path));

    for (const { keyword, args } of stage.instructions) {
      switch (keyword) {
        case 'WORKDIR':
          workdir = posix.resolve(workdir, args);
          mkdirSync(inStage('.'), { recursive: true });
          break;
        case 'ENV':
          env = { ...env, ...parseEnv(args) };
          break;
        case 'COPY': {
          const parts = args.split(/\s+/);
          const fromOption = parts.find((part) => part.startsWith('--from='));
          const unknown = parts.filter((part) => part.startsWith('--') && part !== fromOption);
          if (unknown.length > 0) throw new Error(`COPY option ${unknown.join(' ')} is not emulated`);
          const paths = parts.filter((part) => !part.startsWith('--'));
          const destination = paths.pop() ?? '.';
          const source = fromOption ? build(fromOption.slice('--from='.length)).root : context;
          for (const path of paths) {
            const from = join(source, path);
            const to = inStage(destination);
            if (destination.endsWith('/') || paths.length > 1 || path === '.') mkdirSync(to, { recursive: true });
            else mkdirSync(dirname(to), { recursive: true });
            run('cp', ['-a', path === '.' ? `${from}/.` : from, to], { cwd: scratch });
          }
          break;
        }
        case 'RUN': {
          const started = Date.now();
          run('sh', ['-c', args], { cwd: inStage('.'), env: { ...process.env, ...env } });
          runSeconds.push({ command: `${name}: ${args}`, seconds: (Date.now() - started) / 1000 });
          break;
        }
        case 'USER':
          user = args;
          break;
        case 'CMD':
          cmd = JSON.parse(args) as string[];
          break;
        case 'HEALTHCHECK': {
          const exec = args.slice(args.indexOf('CMD ') + 'CMD '.length);
          healthcheck = args === 'NONE' ? undefined : (JSON.parse(exec) as string[]);
          break;
        }
        case 'EXPOSE':
          break;
        default:
          throw new Error(`Dockerfile instruction ${keyword} is not emulated`);
      }
    }
    const result: BuiltTarget = { root, workdir, env, cmd, healthcheck, user };
    built.set(name, result);
    return result;
  };

  return { build, runSeconds };
};
