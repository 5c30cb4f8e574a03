import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'encoder_decoder_attention',
  refuses: { inputShape: [10, 10, 3], outputShape: [10, 10, 1], says: /multiples of 4.*depth ≤ 1/ },
});
