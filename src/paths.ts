// Where netc's own files are, whether it runs from src/ (tests) or dist/ (the CLI).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'netc') return dir;
    if (dirname(dir) === dir) throw new Error(`netc: cannot find netc's package.json above ${start}`);
  }
}

export const packageRoot = findPackageRoot(dirname(fileURLToPath(import.meta.url)));
export const schemaFile = join(packageRoot, 'schema', 'netc.schema.json');
export const templatesDir = join(packageRoot, 'src', 'emit', 'templates');
/** Each op's folder holds its templates (ts.hbs, wasm.hbs). */
export const opsDir = join(packageRoot, 'src', 'ops');
export const runtimeDir = join(packageRoot, 'src', 'runtime');
export const version: string = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
