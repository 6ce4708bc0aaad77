/**
 * Writes the Cosmos DB container resources of infra/azure.bicep (between `// BEGIN CONTAINERS`
 * and `// END CONTAINERS`) from services/store/containers.ts, so the template follows the code:
 *
 *   npm run build && node dist/scripts/infra-containers.js          # rewrite the section
 *   npm run build && node dist/scripts/infra-containers.js --check  # exit 1 if it differs
 *
 * tests/unit/infra-containers.test.ts compares the two whichever way the Bicep was written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../bot/paths';
import { CONTAINER_LIST, ContainerDefinition } from '../services/store/containers';

const BEGIN = '// BEGIN CONTAINERS';
const END = '// END CONTAINERS';
const API = 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15';

const q = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function symbolOf(name: string): string {
  return 'container' + name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase()).replace(/^./, (c) => c.toUpperCase());
}

/** One Bicep resource for a container definition, with the template's indentation. */
export function containerResource(def: ContainerDefinition): string {
  const lines: string[] = [];
  const add = (indent: number, text: string) => lines.push(' '.repeat(indent) + text);
  add(0, `resource ${symbolOf(def.name)} '${API}' = {`);
  add(2, 'parent: cosmosDatabase');
  add(2, `name: ${q(def.name)}`);
  add(2, 'properties: {');
  add(4, 'resource: {');
  add(6, `id: ${q(def.name)}`);
  add(6, 'partitionKey: {');
  add(8, 'paths: [');
  add(10, q(def.partitionKey));
  add(8, ']');
  add(8, "kind: 'Hash'");
  add(8, 'version: 2');
  add(6, '}');
  add(6, 'indexingPolicy: {');
  add(8, "indexingMode: 'consistent'");
  add(8, 'automatic: true');
  add(8, 'includedPaths: [');
  add(10, '{');
  add(12, "path: '/*'");
  add(10, '}');
  add(8, ']');
  add(8, 'excludedPaths: [');
  add(10, '{');
  add(12, `path: '/"_etag"/?'`);
  add(10, '}');
  add(8, ']');
  if (def.compositeIndexes?.length) {
    add(8, 'compositeIndexes: [');
    for (const index of def.compositeIndexes) {
      add(10, '[');
      for (const part of index) {
        add(12, '{');
        add(14, `path: ${q(part.path)}`);
        add(14, `order: ${q(part.order)}`);
        add(12, '}');
      }
      add(10, ']');
    }
    add(8, ']');
  }
  add(6, '}');
  if (def.uniqueKeys?.length) {
    add(6, 'uniqueKeyPolicy: {');
    add(8, 'uniqueKeys: [');
    for (const key of def.uniqueKeys) {
      add(10, '{');
      add(12, 'paths: [');
      for (const p of key) add(14, q(p));
      add(12, ']');
      add(10, '}');
    }
    add(8, ']');
    add(6, '}');
  }
  if (def.defaultTtl !== undefined) add(6, `defaultTtl: ${def.defaultTtl}`);
  add(4, '}');
  add(2, '}');
  add(0, '}');
  return lines.join('\n');
}

/** The Bicep text with the containers section replaced by resources generated from `defs`. */
export function withContainers(bicep: string, defs: ContainerDefinition[] = CONTAINER_LIST): string {
  const start = bicep.indexOf(BEGIN);
  const end = bicep.indexOf(END);
  if (start < 0 || end < start) throw new Error(`infra/azure.bicep must contain "${BEGIN}" ... "${END}"`);
  const headerEnd = bicep.indexOf('\n\n', start);
  const header = bicep.slice(start, headerEnd > start && headerEnd < end ? headerEnd : bicep.indexOf('\n', start));
  return bicep.slice(0, start) + header + '\n\n' + defs.map(containerResource).join('\n\n') + '\n\n' + bicep.slice(end);
}

if (require.main === module) {
  const file = path.join(projectRoot(), 'infra', 'azure.bicep');
  const current = fs.readFileSync(file, 'utf8');
  const next = withContainers(current);
  if (process.argv.includes('--check')) {
    if (next !== current) {
      process.stderr.write('infra/azure.bicep containers differ from services/store/containers.ts: run node dist/scripts/infra-containers.js\n');
      process.exit(1);
    }
    process.stdout.write('infra/azure.bicep containers match services/store/containers.ts\n');
  } else {
    fs.writeFileSync(file, next);
    process.stdout.write(`wrote ${CONTAINER_LIST.length} containers to infra/azure.bicep\n`);
  }
}
