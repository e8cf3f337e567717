#!/usr/bin/env node
/**
 * Validates a compose file against the Compose Specification's JSON schema (the one Docker Compose
 * itself loads, from compose-go), after resolving YAML anchors and merge keys as Compose does, and
 * checks what the schema cannot: each depends_on names a service, each build target names a stage of
 * the Dockerfile. Exits 1 naming each problem.
 *
 * Usage: node infra/lint/check-compose.js <compose-spec.json> <docker-compose.yml>
 */
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const Ajv2020 = require('ajv/dist/2020').default;
const YAML = require('yaml');

const [schemaPath, composePath] = process.argv.slice(2);
if (!schemaPath || !composePath) {
  process.stderr.write('usage: check-compose <compose-spec.json> <docker-compose.yml>\n');
  process.exit(2);
}

const document = YAML.parseDocument(readFileSync(composePath, 'utf8'), { merge: true, uniqueKeys: true });
const problems = document.errors.map((error) => `YAML: ${error.message}`);
const compose = document.toJS({ maxAliasCount: -1 });

const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
if (!validate(compose)) {
  for (const error of validate.errors ?? []) {
    const property = error.params.unevaluatedProperty ?? error.params.additionalProperty;
    problems.push(`${error.instancePath || '/'} ${error.message}${property ? `: ${property}` : ''}`);
  }
}

const services = compose?.services ?? {};
const stagesOf = (dockerfile) =>
  existsSync(dockerfile)
    ? [...readFileSync(dockerfile, 'utf8').matchAll(/^FROM\s+\S+\s+AS\s+(\S+)/gim)].map((match) => match[1])
    : undefined;
for (const [name, service] of Object.entries(services)) {
  const dependsOn = Array.isArray(service.depends_on) ? service.depends_on : Object.keys(service.depends_on ?? {});
  for (const dependency of dependsOn) {
    if (!(dependency in services)) problems.push(`/services/${name}/depends_on names ${dependency}, which is not a service`);
  }
  if (service.build?.target) {
    const context = join(dirname(composePath), service.build.context ?? '.');
    const stages = stagesOf(join(context, service.build.dockerfile ?? 'Dockerfile'));
    if (!stages) problems.push(`/services/${name}/build: no Dockerfile in ${service.build.context ?? '.'}`);
    else if (!stages.includes(service.build.target))
      problems.push(`/services/${name}/build/target ${service.build.target} is not a stage of the Dockerfile`);
  }
}

if (problems.length > 0) {
  process.stderr.write(`${composePath} is not a valid compose file:\n  ${problems.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`${composePath}: valid against the Compose Specification (${Object.keys(services).length} services)\n`);
