import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'plain_cnn_attention',
  refuses: { inputShape: [18, 18, 3], outputShape: [18, 18, 1], says: /kvPool 4 must divide the 18×18 grid.*1, 2/ },
});
