/** A generated file: text, or bytes (model.wasm). */
export type FileContents = string | Uint8Array;

/** Files by relative path (with /). */
export type FileTree = ReadonlyMap<string, FileContents>;

export function sameContents(a: FileContents, b: Uint8Array): boolean {
  return Buffer.from(typeof a === 'string' ? Buffer.from(a, 'utf8') : a).equals(b);
}
