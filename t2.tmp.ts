import { writeSyntheticResults, STAGES } from './test/plots/synthetic-results.js';
import { plotStudy } from './src/plots/plot-study.js';
await writeSyntheticResults('/tmp/synth');
const t = Date.now();
const files = await plotStudy({ resultsDir: '/tmp/synth', stages: STAGES });
console.log(Date.now() - t, files);
