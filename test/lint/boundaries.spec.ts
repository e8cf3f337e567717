import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The repository's own ESLint configuration (run as the CLI, since it is an ES module config),
 * applied to fixtures as if they lived inside a project. Type-aware rules are switched off because
 * the fixtures belong to no tsconfig; the boundary rules under test need no types.
 */
const workspaceRoot = join(__dirname, '..', '..');
const typeAwareRulesOff = JSON.stringify({
  '@typescript-eslint/no-floating-promises': 'off',
  '@typescript-eslint/no-misused-promises': 'off',
  '@typescript-eslint/switch-exhaustiveness-check': 'off',
  // needs the file on disk; cycles are not what these fixtures are about
  'import/no-cycle': 'off',
});

interface LintResult {
  messages: Array<{ ruleId: string | null; message: string; severity: number }>;
}

const lintAs = (fixture: string, pretendPath: string): string[] => {
  const code = readFileSync(join(workspaceRoot, 'test', 'lint-fixtures', fixture), 'utf8');
  const run = spawnSync(
    join(workspaceRoot, 'node_modules', '.bin', 'eslint'),
    [
      '--stdin',
      '--stdin-filename',
      pretendPath,
      '--format',
      'json',
      '--parser-options',
      'projectService:false',
      '--rule',
      typeAwareRulesOff,
    ],
    { cwd: workspaceRoot, input: code, encoding: 'utf8' },
  );
  const [result] = JSON.parse(run.stdout) as LintResult[];
  return (result?.messages ?? []).filter((m) => m.severity === 2).map((m) => `${m.ruleId ?? 'parse'}: ${m.message}`);
};

describe('module boundaries and deterministic code', () => {
  // The boundary rule reads Nx's project graph and is silently skipped without one (a fresh clone).
  beforeAll(() => {
    const graph = spawnSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['show', 'projects'], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    expect(graph.status).toBe(0);
  }, 120_000);

  it('refuses a workflow file that imports fs', () => {
    const errors = lintAs('workflow-imports-fs.ts', 'workflows/src/leaky.ts');
    expect(errors).toEqual(
      expect.arrayContaining([expect.stringMatching(/^no-restricted-imports: .*Workflow code may not use Node built-ins/)]),
    );
  });

  it('refuses a domain file that imports postgres', () => {
    const errors = lintAs('domain-imports-postgres.ts', 'libs/domain/src/leaky.ts');
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^@nx\/enforce-module-boundaries: /),
        expect.stringMatching(/^no-restricted-imports: .*The domain may not do IO/),
      ]),
    );
  });

  it('accepts a workflow file that imports only the domain and @temporalio/workflow', () => {
    expect(lintAs('workflow-imports-domain.ts', 'workflows/src/fine.ts')).toEqual([]);
  });
});
