/** height × width × channels; a vector is 1 × 1 × n. */
export interface Shape {
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

export function formatShape(shape: Shape): string {
  return `${shape.height}×${shape.width}×${shape.channels}`;
}
