import { writeFile } from 'node:fs/promises';
import { bundleWorkflowCode } from '@temporalio/worker';
import { failureConverterPath } from '@careflow/temporal';

/**
 * Bundles workflows/ once (webpack) so a worker starts in a second instead of bundling at every
 * start; a restarted worker then also runs exactly the code that was tested.
 */
export const buildWorkflowBundle = async (outputPath: string): Promise<void> => {
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('@careflow/workflows'),
    failureConverterPath,
  });
  await writeFile(outputPath, code);
};

if (require.main === module) {
  const outputPath = process.argv[2];
  if (!outputPath) {
    process.stderr.write('usage: workflow-bundle <output.js>\n');
    process.exit(2);
  }
  buildWorkflowBundle(outputPath).then(
    () => process.stdout.write(`workflow bundle written to ${outputPath}\n`),
    (error: unknown) => {
      process.stderr.write(`bundling workflows failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
