// The Handlebars templates under templates/, compiled once from the repo's own files.
import { readdirSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import Handlebars from 'handlebars';
import { opsDir, templatesDir } from '../paths.js';

type Render = (context: unknown) => string;

let cache: Map<string, Render> | undefined;

/** A template by file name without .hbs; every template is also a partial of the others. */
export function template(name: string): Render {
  if (!cache) {
    // An isolated environment: no helpers or partials from anywhere else; `strict` makes a
    // missing field an error instead of silently emitting nothing; code is not HTML.
    const hb = Handlebars.create();
    cache = new Map();
    // Templates are named by their path: emit/templates/model.hbs is 'model', and an op's
    // src/ops/conv/ts.hbs is 'ops/conv/ts'.
    for (const [dir, prefix] of [[templatesDir, ''], [opsDir, 'ops/']] as const) {
      const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.hbs')).sort();
      for (const file of files) {
        const source = readFileSync(join(dir, file), 'utf8');
        const name = prefix + file.slice(0, -'.hbs'.length).split(sep).join('/');
        hb.registerPartial(name, source);
        cache.set(name, hb.compile(source, { noEscape: true, strict: true }));
      }
    }
  }
  const render = cache.get(name);
  if (!render) throw new Error(`netc: no template ${name}.hbs in ${templatesDir}`);
  return render;
}
