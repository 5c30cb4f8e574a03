import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'large_kernel_ed',
  refuses: { inputShape: [15, 15, 3], outputShape: [15, 15, 1], says: /cannot be halved at all.*16×16.*plain_cnn/ },
});
