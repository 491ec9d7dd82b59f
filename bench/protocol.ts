// Messages between the benchmark's conductor (run.ts) and its peer processes (peer.ts).

export type PeerName = 'netc' | 'netc-1-thread' | 'netc-ts' | 'tfjs-wasm' | 'tfjs-cpu' | 'convnetjs' | 'pytorch' | 'pytorch-1-thread';

export type Request =
  /** Train for at least `seconds` (at least one iteration); reply with the rate. */
  | { readonly kind: 'train'; readonly seconds: number }
  /** Forward passes over batches of `batch` images for at least `seconds`. */
  | { readonly kind: 'infer'; readonly batch: number; readonly seconds: number }
  /** Classify the test set (or its first `limit` images). */
  | { readonly kind: 'evaluate'; readonly limit: number }
  | { readonly kind: 'finish' };

export type Reply =
  | { readonly kind: 'ready'; readonly version: string; readonly threads: number }
  | { readonly kind: 'rate'; readonly samplesPerSecond: number }
  | { readonly kind: 'evaluated'; readonly seconds: number; readonly images: number }
  | { readonly kind: 'finished'; readonly maxRssMiB: number }
  | { readonly kind: 'failed'; readonly message: string };

/** What each peer implements: one training step, one forward pass, from the same data. */
export interface Runner {
  readonly version: string;
  readonly threads: number;
  /** One training step on batch number `index` of the data's pool. */
  trainStep(index: number): void;
  /** A forward pass over `count` images starting at test image `first`; returns the predictions. */
  predict(first: number, count: number): ArrayLike<number>;
}
