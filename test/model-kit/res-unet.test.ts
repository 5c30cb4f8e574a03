import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'res_unet',
  refuses: { inputShape: [12, 12, 3], outputShape: [12, 12, 1], hp: { depth: 3 }, says: /multiples of 8 \(8, 16, 24.*depth ≤ 2/ },
});
