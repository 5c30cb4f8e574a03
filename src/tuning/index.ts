// Public surface of src/tuning: what the tune stage (stages/) imports.
export { searchSpaceSchema, dimensionSchema, sampleDimension } from './search-space.js';
export type { Dimension, SearchSpace, SearchSpaceInput, Params, ParamValue } from './search-space.js';
export type { TrialRecord, TrialState } from './trial-record.js';
export { createStudy, earlierRecords } from './study.js';
export type { Study, StudyConfig, ProposedTrial, PruneCheck } from './study.js';
export { tuneConfigSchema, studyConfig } from './tune-config.js';
export type { TuneConfig } from './tune-config.js';
export { samplerConfigSchema } from './samplers/sampler-config.js';
export type { SamplerConfig } from './samplers/sampler-config.js';
export { prunerConfigSchema } from './pruners/pruner-config.js';
export type { PrunerConfig } from './pruners/pruner-config.js';
export { pruneDecision } from './pruners/prune-decision.js';
export { trialsCsv } from './trials-table.js';
export { TuningConfigError } from './tuning-error.js';
