/** flatten_cnn (examples/flood-tasks/shared/flatten-cnn.ts), shared by the warning and storm studies. */
import { registerModel } from 'pipe-ml/models';
import { flattenCnn } from '../../shared/flatten-cnn.js';

registerModel('flatten_cnn', flattenCnn);
