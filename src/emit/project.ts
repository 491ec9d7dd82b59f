// ts-morph: format the generated TypeScript, type-check it together with the runtime it
// imports, and emit JavaScript. A type error in generated code is a compiler bug.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts, type Diagnostic } from 'ts-morph';
import { CompilerBug } from '../lower/verify.js';

/** Where the files live while they are checked: a folder that exists only in memory. */
const ROOT = '/__netc_generated__';

/**
 * Format, type-check and emit the generated TypeScript (`generated`, relative path → text)
 * together with the runtime copied beside it (`copied`); every output file starts with
 * `header` (the compiler drops comments above elided imports). The copied files are the same
 * in every build of a process (and are type-checked with netc's own sources), so their
 * formatted text and JavaScript are computed once.
 */
export function buildProject(generated: ReadonlyMap<string, string>, copied: ReadonlyMap<string, string>, header = ''): Map<string, string> {
  const project = sharedProject();
  // The previous build's files go; the lib and @types/node files stay, parsed.
  for (const file of project.getSourceFiles()) if (file.getFilePath().startsWith(`${ROOT}/`)) project.removeSourceFile(file);
  // Each build in a folder of its own: the language service caches documents by path and
  // version, and a new file at an old path could be formatted as the old one was (not at all).
  const root = `${ROOT}/${++builds}`;
  const add = (path: string, text: string) => project.createSourceFile(`${root}/${path}`, text, { overwrite: true });
  const files = [...generated].map(([path, text]) => {
    const file = add(path, text);
    file.formatText(FORMAT);
    return file;
  });
  const runtime = [...copied].map(([path, text]) => {
    const cached = FORMATTED.get(text);
    const file = add(path, cached ?? text);
    if (cached === undefined) {
      file.formatText(FORMAT);
      FORMATTED.set(text, file.getFullText());
    }
    return file;
  });
  const diagnostics = files.flatMap((file) => file.getPreEmitDiagnostics());
  if (diagnostics.length > 0) {
    throw new CompilerBug(`the generated code does not type-check:\n${describe(diagnostics)}`);
  }
  const out = new Map<string, string>();
  const relative = (path: string) => path.slice(root.length + 1);
  for (const file of [...files, ...runtime]) out.set(relative(file.getFilePath()), header + file.getFullText());
  const emit = (file: (typeof files)[number]) => project.emitToMemory({ targetSourceFile: file }).getFiles().map((f) => [relative(f.filePath), f.text] as const);
  for (const file of files) for (const [path, text] of emit(file)) out.set(path, header + text);
  for (const file of runtime) {
    const source = file.getFullText();
    const js = EMITTED.get(source) ?? emit(file);
    EMITTED.set(source, js);
    for (const [path, text] of js) out.set(path, header + text);
  }
  return out;
}

const FORMAT = { indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true };
/** A copied file's text → formatted. */
const FORMATTED = new Map<string, string>();
/** A formatted copied file → its emitted JavaScript (path and text). */
const EMITTED = new Map<string, readonly (readonly [string, string])[]>();

let project: Project | undefined;
/** Builds made in this process (each gets its own folder under ROOT). */
let builds = 0;

/** One project for every build in this process: TypeScript parses its lib files once. */
function sharedProject(): Project {
  project ??= new Project({
    skipAddingFilesFromTsConfig: true,
    compilerOptions: {
      target: ScriptTarget.ES2022,
      module: ModuleKind.ES2022,
      moduleResolution: ModuleResolutionKind.Bundler,
      lib: ['lib.es2023.d.ts'],
      types: ['node'],
      typeRoots: [nodeTypesRoot()],
      strict: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      skipLibCheck: true,
      newLine: ts.NewLineKind.LineFeed,
    },
  });
  return project;
}

/** The folder holding @types/node, wherever npm installed it. */
function nodeTypesRoot(): string {
  return dirname(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')));
}

function describe(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .slice(0, 20)
    .map((d) => {
      const file = d.getSourceFile();
      const where = file ? `${file.getFilePath().slice(ROOT.length + 1).replace(/^\d+\//, "")}:${d.getLineNumber() ?? 0}` : '';
      return `  ${where} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n')}`;
    })
    .join('\n');
}
