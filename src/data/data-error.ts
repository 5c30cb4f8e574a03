import { PipeError } from '../failure/pipe-error.js';

/**
 * An expected failure of user data or of a data parameter: bad file, wrong shape, NaN, impossible split.
 * A PipeError with reason `data-invalid`; `file` is set whenever the problem is in one file.
 */
export class DataError extends PipeError {
  readonly file: string | undefined;

  constructor(message: string, file?: string, hint = 'fix the data files, or the data: section of pipeline.yaml') {
    super('data-invalid', file === undefined ? message : `${file}: ${message}`, { hint });
    this.file = file;
  }
}
