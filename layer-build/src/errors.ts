/** Base class of every error the layer build throws. */
export class LayerBuildError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LayerBuildError';
  }
}

/** An ELF file in the layer needs a newer glibc than the Lambda runtime has, or a library the layer lacks. */
export class LayerCompatibilityError extends LayerBuildError {
  readonly file: string;
  constructor(message: string, file: string) {
    super(message);
    this.name = 'LayerCompatibilityError';
    this.file = file;
  }
}
