/**
 * Stands in for the ESM-only `strip-bom` that @microsoft/app-manifest requires: Node 20 loads
 * it natively, but jest's CommonJS runtime cannot (see moduleNameMapper in jest.config.js).
 */
export default function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
