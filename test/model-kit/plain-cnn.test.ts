import { testArchitecture } from './harness.js';

testArchitecture({
  name: 'plain_cnn',
  // any grid works; a finer input grid with inputBlock none does not
  refuses: { inputShape: [32, 32, 3], outputShape: [16, 16, 1], hp: { inputBlock: 'none' }, says: /grid.*differ.*cubic, strided or patch/ },
});
