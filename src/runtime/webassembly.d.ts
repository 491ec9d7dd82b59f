// The part of the WebAssembly JavaScript API the trainers use. TypeScript declares it only
// in its DOM libraries, which a Node program should not pull in.
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array | ArrayBuffer);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  interface MemoryDescriptor {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }
  class Memory {
    constructor(descriptor: MemoryDescriptor);
    readonly buffer: ArrayBufferLike;
  }
  class Global {
    value: number;
  }
  function validate(bytes: Uint8Array | ArrayBuffer): boolean;
}
