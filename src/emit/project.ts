// ts-morph: format the generated TypeScript, type-check it together with the runtime it
// imports, and emit JavaScript. A type error in generated code is a compiler bug.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts, type Diagnostic } from 'ts-morph';
import { CompilerBug } from '../lower/verify.js';

/** Where the files live while they are checked: a folder that exists only in memory. */
const ROOT = '/__netc_generated__';

/**
 * Type-check `sources` (relative path → TypeScript) and emit JavaScript beside them; every
 * output file starts with `header` (the compiler drops comments above elided imports).
 */
export function buildProject(sources: ReadonlyMap<string, string>, header = ''): Map<string, string> {
  const project = new Project({
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
  const files = [...sources].map(([path, text]) => {
    const file = project.createSourceFile(`${ROOT}/${path}`, text, { overwrite: true });
    file.formatText({ indentSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
    return file;
  });
  const diagnostics = project.getPreEmitDiagnostics();
  if (diagnostics.length > 0) {
    throw new CompilerBug(`the generated code does not type-check:\n${describe(diagnostics)}`);
  }
  const out = new Map<string, string>();
  for (const file of files) out.set(file.getFilePath().slice(ROOT.length + 1), header + file.getFullText());
  for (const emitted of project.emitToMemory().getFiles()) {
    out.set(emitted.filePath.slice(ROOT.length + 1), header + emitted.text);
  }
  return out;
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
      const where = file ? `${file.getFilePath().slice(ROOT.length + 1)}:${d.getLineNumber() ?? 0}` : '';
      return `  ${where} ${ts.flattenDiagnosticMessageText(d.compilerObject.messageText, '\n')}`;
    })
    .join('\n');
}
