import { PipeError } from '../failure/pipe-error.js';

/**
 * A tune configuration that parses but cannot be run (e.g. a grid over a continuous parameter
 * without grid_points), or history records that do not fit the search space: `config-invalid`;
 * `path` is the YAML path of the offending key when known.
 */
export class TuningConfigError extends PipeError {
  constructor(
    message: string,
    readonly path: (string | number)[] = [],
  ) {
    super('config-invalid', message);
  }
}
