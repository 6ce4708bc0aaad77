/**
 * Just enough Bicep reading for tests: find resource blocks by type and parse the literal parts
 * (objects, arrays, strings, numbers, booleans) of infra/azure.bicep. No Bicep compiler can be
 * installed on these machines, so this is what checks the template against the code.
 */
import type { ContainerDefinition } from '../../services/store/containers';

export interface ResourceBlock {
  symbol: string;
  type: string;
  apiVersion: string;
  /** Text between the block's outer braces. */
  body: string;
}

/** Every `resource <symbol> '<type>@<version>' = [if (...)] { ... }` of the given type. */
export function resourceBlocks(text: string, type: string): ResourceBlock[] {
  const blocks: ResourceBlock[] = [];
  const head = /^resource\s+(\w+)\s+'([^'@]+)@([^']+)'\s*=\s*(?:if\s*\([^\n]*\)\s*)?\{/gm;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    if (m[2] !== type) continue;
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(text, open);
    blocks.push({ symbol: m[1], type: m[2], apiVersion: m[3], body: text.slice(open + 1, close) });
  }
  return blocks;
}

/** The index of the `}` closing the `{` at `open`, skipping strings and comments. */
export function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      i = endOfString(text, i);
    } else if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (c === '{') {
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  throw new Error(`unbalanced braces from offset ${open}`);
}

function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === "'") return i;
  }
  throw new Error(`unterminated string at offset ${start}`);
}

type Token = { kind: 'punct' | 'string' | 'number' | 'word' | 'newline'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      tokens.push({ kind: 'newline', value: '\n' });
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if ('{}[]:,'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      i++;
    } else if (c === "'") {
      const end = endOfString(text, i);
      const raw = text.slice(i + 1, end);
      if (raw.includes('${')) throw new Error(`not a literal: string with interpolation '${raw}'`);
      tokens.push({ kind: 'string', value: raw.replace(/\\(.)/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch)) });
      i = end + 1;
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw new Error(`unexpected "${c}"`);
      tokens.push({ kind: 'number', value: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ kind: 'word', value: m[0] });
      i += m[0].length;
    } else {
      throw new Error(`not a literal: unexpected "${c}" in "${text.slice(Math.max(0, i - 20), i + 20)}"`);
    }
  }
  return tokens;
}

/** Parses a Bicep object or array literal (newline- or comma-separated, single-quoted strings). */
export function parseBicepLiteral(text: string): unknown {
  const tokens = tokenize(text);
  let pos = 0;
  const skipSeparators = () => {
    while (pos < tokens.length && (tokens[pos].kind === 'newline' || (tokens[pos].kind === 'punct' && tokens[pos].value === ','))) pos++;
  };
  const expect = (value: string) => {
    const t = tokens[pos++];
    if (!t || t.kind !== 'punct' || t.value !== value) throw new Error(`expected "${value}", found "${t?.value ?? 'end'}"`);
  };
  const value = (): unknown => {
    skipSeparators();
    const t = tokens[pos++];
    if (!t) throw new Error('unexpected end');
    if (t.kind === 'punct' && t.value === '{') {
      const obj: Record<string, unknown> = {};
      for (;;) {
        skipSeparators();
        const k = tokens[pos];
        if (k?.kind === 'punct' && k.value === '}') {
          pos++;
          return obj;
        }
        if (!k || (k.kind !== 'word' && k.kind !== 'string')) throw new Error(`expected a property name, found "${k?.value ?? 'end'}"`);
        pos++;
        expect(':');
        obj[k.value] = value();
      }
    }
    if (t.kind === 'punct' && t.value === '[') {
      const arr: unknown[] = [];
      for (;;) {
        skipSeparators();
        const k = tokens[pos];
        if (k?.kind === 'punct' && k.value === ']') {
          pos++;
          return arr;
        }
        arr.push(value());
      }
    }
    if (t.kind === 'string') return t.value;
    if (t.kind === 'number') return Number(t.value);
    if (t.kind === 'word' && t.value === 'true') return true;
    if (t.kind === 'word' && t.value === 'false') return false;
    if (t.kind === 'word' && t.value === 'null') return null;
    throw new Error(`not a literal: "${t.value}"`);
  };
  const result = value();
  skipSeparators();
  if (pos < tokens.length) throw new Error(`unexpected "${tokens[pos].value}" after the literal`);
  return result;
}

/** The literal object after `<key>: {` inside a block body (first occurrence). */
export function literalProperty(body: string, key: string): Record<string, unknown> {
  const m = new RegExp(`(^|\\n)\\s*${key}\\s*:\\s*\\{`).exec(body);
  if (!m) throw new Error(`no "${key}: {" in the block`);
  const open = m.index + m[0].length - 1;
  return parseBicepLiteral(body.slice(open, matchingBrace(body, open) + 1)) as Record<string, unknown>;
}

export interface BicepContainer {
  symbol: string;
  /** The resource's `name:`. */
  name: string;
  /** `properties.resource`, parsed. */
  resource: {
    id?: string;
    partitionKey?: { paths?: string[]; kind?: string; version?: number };
    indexingPolicy?: {
      indexingMode?: string;
      includedPaths?: { path: string }[];
      excludedPaths?: { path: string }[];
      compositeIndexes?: { path: string; order?: string }[][];
    };
    uniqueKeyPolicy?: { uniqueKeys?: { paths: string[] }[] };
    defaultTtl?: number;
  };
}

export const CONTAINER_TYPE = 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers';

export function bicepContainers(text: string): BicepContainer[] {
  return resourceBlocks(text, CONTAINER_TYPE).map((block) => {
    const name = /(^|\n)\s*name:\s*'([^']*)'/.exec(block.body)?.[2] ?? '';
    const properties = block.body.slice(block.body.search(/\n\s*properties\s*:/));
    return { symbol: block.symbol, name, resource: literalProperty(properties, 'resource') };
  });
}

const json = (v: unknown) => JSON.stringify(v);

function fieldIndexed(field: string, policy: BicepContainer['resource']['indexingPolicy']): boolean {
  if (!policy) return true; // Cosmos default: everything indexed
  if (policy.indexingMode && policy.indexingMode !== 'consistent') return false;
  const p = '/' + field.split('.').join('/');
  const included = policy.includedPaths ?? [{ path: '/*' }];
  const excluded = policy.excludedPaths ?? [];
  const inc = included.some((x) => x.path === '/*' || x.path === `${p}/?` || x.path === `${p}/*`);
  const exc = excluded.some((x) => x.path === `${p}/?` || x.path === `${p}/*`);
  return inc && !exc;
}

/** Every way the Bicep containers differ from the code's definitions, as sentences; empty when they match. */
export function containerDifferences(code: ContainerDefinition[], bicep: BicepContainer[]): string[] {
  const problems: string[] = [];
  const byName = new Map<string, BicepContainer>();
  for (const b of bicep) {
    const id = b.resource.id ?? '';
    if (b.name !== id) problems.push(`Bicep container ${b.symbol}: name '${b.name}' and resource.id '${id}' differ`);
    if (byName.has(id)) problems.push(`Bicep declares container '${id}' twice`);
    byName.set(id, b);
  }
  for (const def of code) {
    const b = byName.get(def.name);
    if (!b) {
      problems.push(`container '${def.name}' is in containers.ts but not in infra/azure.bicep`);
      continue;
    }
    const r = b.resource;
    const paths = r.partitionKey?.paths ?? [];
    if (json(paths) !== json([def.partitionKey]))
      problems.push(`container '${def.name}': partition key is ${def.partitionKey} in code but ${json(paths)} in Bicep`);
    const codeComposite = (def.compositeIndexes ?? []).map((idx) => idx.map((c) => ({ path: c.path, order: c.order })));
    const bicepComposite = (r.indexingPolicy?.compositeIndexes ?? []).map((idx) => idx.map((c) => ({ path: c.path, order: c.order ?? 'ascending' })));
    if (json(codeComposite) !== json(bicepComposite))
      problems.push(`container '${def.name}': composite indexes are ${json(codeComposite)} in code but ${json(bicepComposite)} in Bicep`);
    const codeUnique = def.uniqueKeys ?? [];
    const bicepUnique = (r.uniqueKeyPolicy?.uniqueKeys ?? []).map((k) => k.paths);
    if (json(codeUnique) !== json(bicepUnique))
      problems.push(`container '${def.name}': unique keys are ${json(codeUnique)} in code but ${json(bicepUnique)} in Bicep`);
    if (def.defaultTtl !== r.defaultTtl)
      problems.push(`container '${def.name}': defaultTtl is ${def.defaultTtl ?? 'unset'} in code but ${r.defaultTtl ?? 'unset'} in Bicep`);
    for (const field of def.orderedFields ?? [])
      if (!fieldIndexed(field, r.indexingPolicy))
        problems.push(`container '${def.name}': '${field}' is filtered or sorted on in code but not range-indexed in Bicep`);
  }
  for (const id of byName.keys())
    if (!code.some((d) => d.name === id)) problems.push(`container '${id}' is in infra/azure.bicep but not in containers.ts`);
  return problems;
}
