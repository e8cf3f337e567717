/**
 * `npm run contracts:generate`: writes the JSON Schema of every integration event type and version
 * to libs/contracts/schemas. It refuses to overwrite a committed schema with a breaking revision:
 * such a change needs a new version of the event type.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { breakingChanges, publishedSchemas, schemaFileText, type JsonSchema } from './src/integration-events';

const directory = join(__dirname, 'schemas');
mkdirSync(directory, { recursive: true });

let refused = 0;
let written = 0;
for (const { fileName, schema } of publishedSchemas()) {
  const path = join(directory, fileName);
  const text = schemaFileText(schema);
  if (existsSync(path)) {
    const committed = readFileSync(path, 'utf8');
    if (committed === text) continue;
    const problems = breakingChanges(JSON.parse(committed) as JsonSchema, schema);
    if (problems.length > 0) {
      refused += 1;
      process.stderr.write(`${fileName}: breaking change, add a new version instead:\n  ${problems.join('\n  ')}\n`);
      continue;
    }
  }
  writeFileSync(path, text);
  written += 1;
}
process.stdout.write(`${written} schema file(s) written, ${refused} refused.\n`);
if (refused > 0) process.exitCode = 1;
