import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';

/**
 * Runs a TypeScript module in a separate `node` process with no build step: the child loads
 * .ts files through TypeScript's own transpiler (types are not checked there; tsc does that).
 * The module must export `main(args: string[]): Promise<void>`.
 */
export function spawnTs(modulePath: string, args: string[]): ChildProcessWithoutNullStreams {
  const loader = `
    const fs = require('node:fs');
    const ts = require(${JSON.stringify(require.resolve('typescript'))});
    require.extensions['.ts'] = (module, filename) => {
      const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
        fileName: filename,
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      });
      module._compile(outputText, filename);
    };
    // A failure is an unhandled rejection: Node prints its stack and exits with code 1.
    require(${JSON.stringify(modulePath)}).main(process.argv.slice(1));`;
  return spawn(process.execPath, ['-e', loader, ...args], { stdio: 'pipe' });
}
