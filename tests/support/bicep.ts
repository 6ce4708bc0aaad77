/**
 * Just enough Bicep reading for tests: find resource blocks by type and parse the literal parts
 * (objects, arrays, strings, numbers, booleans) of infra/azure.bicep and its modules, and check
 * how the modules are wired. No Bicep compiler can be installed on these machines, so this is what
 * checks the template against the code.
 */

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

export interface ModuleUse {
  symbol: string;
  /** The module file, relative to the template that uses it. */
  path: string;
  /** Names given under `params:`. */
  params: string[];
}

/** Every `module <symbol> '<path>' = { ... params: { name: value ... } }` of a template. */
export function moduleUses(text: string): ModuleUse[] {
  const uses: ModuleUse[] = [];
  const head = /^module\s+(\w+)\s+'([^']+)'\s*=\s*\{/gm;
  for (let m = head.exec(text); m; m = head.exec(text)) {
    const open = m.index + m[0].length - 1;
    const body = text.slice(open + 1, matchingBrace(text, open));
    const paramsAt = body.search(/\n\s*params:\s*\{/);
    const params: string[] = [];
    if (paramsAt >= 0) {
      const paramsOpen = body.indexOf('{', paramsAt);
      const inner = body.slice(paramsOpen + 1, matchingBrace(body, paramsOpen));
      for (const p of inner.matchAll(/^\s*(\w+):/gm)) params.push(p[1]);
    }
    uses.push({ symbol: m[1], path: m[2], params });
  }
  return uses;
}

/** A template's parameters: name and whether it has a default value. */
export function declaredParams(text: string): Map<string, boolean> {
  const declared = new Map<string, boolean>();
  for (const m of text.matchAll(/^param (\w+) \w+( = )?/gm)) declared.set(m[1], Boolean(m[2]));
  return declared;
}

/** A template's outputs by name. */
export function declaredOutputs(text: string): string[] {
  return [...text.matchAll(/^output (\w+) /gm)].map((m) => m[1]);
}
