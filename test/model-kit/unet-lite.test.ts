import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'unet_lite',
  refuses: { inputShape: [18, 18, 3], outputShape: [18, 18, 1], says: /multiples of 4.*depth ≤ 1.*20×20/ },
});
