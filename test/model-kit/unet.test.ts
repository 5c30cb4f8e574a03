import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'unet',
  refuses: { inputShape: [20, 20, 3], outputShape: [20, 20, 1], says: /multiples of 8.*depth ≤ 2/ },
});
