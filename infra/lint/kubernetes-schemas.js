#!/usr/bin/env node
/**
 * Writes kubeconform's schemas, one self-contained JSON schema per kind and API version
 * (deployment-apps-v1.json, service-v1.json, …), from the OpenAPI spec that Kubernetes publishes in
 * its source (api/openapi-spec/swagger.json of the k8s.io/kubernetes module), so manifests are
 * checked without network. Strict, like kubeconform's own "-strict" schemas: an object with declared
 * properties refuses any other (a misspelt field fails). IntOrString and Quantity take a string or a
 * number, as the API server does.
 *
 * Usage: node infra/lint/kubernetes-schemas.js <swagger.json> <output directory>
 */
'use strict';
const { mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const [specPath, outDir] = process.argv.slice(2);
if (!specPath || !outDir) {
  process.stderr.write('usage: kubernetes-schemas <swagger.json> <output directory>\n');
  process.exit(2);
}
const { definitions } = JSON.parse(readFileSync(specPath, 'utf8'));

const stringOrNumber = { oneOf: [{ type: 'string' }, { type: 'number' }] };
const special = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { oneOf: [{ type: 'string' }, { type: 'integer' }] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': stringOrNumber,
};

/** A definition made strict; its $refs already point into #/definitions, which each schema carries. */
const strict = (node) => {
  if (Array.isArray(node)) return node.map(strict);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'properties')
      out.properties = Object.fromEntries(Object.entries(value).map(([property, schema]) => [property, strict(schema)]));
    else if (!key.startsWith('x-kubernetes-') && key !== 'format') out[key] = strict(value);
  }
  if (out.properties && out.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
};

/** Every definition reachable from `name`. */
const closure = (name, seen = new Set()) => {
  if (seen.has(name)) return seen;
  seen.add(name);
  const visit = (node) => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') closure(value.replace('#/definitions/', ''), seen);
        else visit(value);
      }
    }
  };
  visit(definitions[name]);
  return seen;
};

mkdirSync(outDir, { recursive: true });
let written = 0;
for (const [name, definition] of Object.entries(definitions)) {
  for (const { group, version, kind } of definition['x-kubernetes-group-version-kind'] ?? []) {
    if (kind.endsWith('List') || name.startsWith('io.k8s.apimachinery.pkg.apis.meta.')) continue;
    const apiVersion = group ? `${group}/${version}` : version;
    const suffix = group ? `-${group.split('.')[0]}-${version}` : `-${version}`;
    const own = {};
    for (const reachable of closure(name)) own[reachable] = special[reachable] ?? strict(definitions[reachable]);
    const root = own[name];
    // apiVersion and kind are fixed for the file's kind, so a manifest cannot claim another.
    root.properties.apiVersion = { type: 'string', enum: [apiVersion] };
    root.properties.kind = { type: 'string', enum: [kind] };
    root.required = [...new Set([...(root.required ?? []), 'apiVersion', 'kind', 'metadata'])];
    const schema = { $schema: 'http://json-schema.org/draft-07/schema#', $ref: `#/definitions/${name}`, definitions: own };
    writeFileSync(join(outDir, `${kind.toLowerCase()}${suffix.toLowerCase()}.json`), JSON.stringify(schema));
    written += 1;
  }
}
process.stdout.write(`${written} schemas written to ${outDir}\n`);
