/** max_pool_cnn (examples/flood-tasks/shared/max-pool-cnn.ts), shared by the warning and storm studies. */
import { registerModel } from 'pipe-ml/models';
import { maxPoolCnn } from '../../shared/max-pool-cnn.js';

registerModel('max_pool_cnn', maxPoolCnn);
