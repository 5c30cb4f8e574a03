/**
 * An expected failure of user data or of a data parameter: bad file, wrong shape, NaN, impossible split.
 * `reason` matches the CLI's failure union so the top-level handler can map it to an exit code without
 * knowing this module; `file` is set whenever the problem is in one file.
 */
export class DataError extends Error {
  readonly reason = 'data-invalid' as const;
  readonly file: string | undefined;

  constructor(message: string, file?: string) {
    super(file === undefined ? message : `${file}: ${message}`);
    this.name = 'DataError';
    this.file = file;
  }
}
