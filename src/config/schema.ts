/**
 * The schema of pipeline.yaml's top level. Each stage's own keys are validated by its kind's schema
 * (stages/*.ts); the JSON schema published as pipeline.schema.json is generated from both.
 */
import { z } from 'zod';
import { modelParamsSchema, trainSettingsSchema } from '../../stages/train-settings.js';
import { taskSchema } from '../../stages/task-settings.js';
import { floodParamsSchema } from '../data/flood/params.js';

export const STAGE_NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/** Profile names become file and folder names (pipeline.<profile>.lock, results-<profile>/): the same rule. */
export const PROFILE_NAME = STAGE_NAME;

const filesSchema = z.union([
  z.object({ x: z.string(), y: z.string(), simulation: z.string().optional() }).strict(),
  z.object({ npz: z.string(), x: z.string().default('x'), y: z.string().default('y'), simulation: z.string().optional() }).strict(),
]);

export const dataSchema = z
  .object({
    flood: floodParamsSchema.optional().describe('generate the data with the embedded flood simulator (parameters: see README)'),
    files: filesSchema.optional().describe('user arrays: .npy files or one .npz (paths relative to pipeline.yaml)'),
    split: z
      .object({
        small: z.number().int().min(1).default(7).describe('simulations in the small set'),
        test: z.number().int().min(1).default(4).describe('held-out simulations'),
        seed: z.number().int().min(0).default(0),
      })
      .strict()
      .default({ small: 7, test: 4, seed: 0 }),
    val_fraction: z.number().gt(0).lt(1).default(0.2).describe("share of a set's simulations used for validation"),
  })
  .strict()
  .refine((d) => (d.flood ? 1 : 0) + (d.files ? 1 : 0) === 1, { message: 'data needs exactly one of `flood` (generated) or `files` (your arrays)' })
  .superRefine((d, ctx) => {
    // caught when the config loads, not after generating the data (splits.ts checks the same for user arrays)
    const sims = d.flood?.simulations;
    if (sims !== undefined && d.split.small + d.split.test + 2 > sims) {
      ctx.addIssue({
        code: 'custom',
        path: ['split', d.split.small > sims - 1 ? 'small' : 'test'],
        message: `split.small (${d.split.small}) + split.test (${d.split.test}) leaves fewer than 2 of the ${sims} simulations of data.flood for big`,
        hint: `small, big and test share no simulation and big needs 2 (train and validation): lower small or test, or raise data.flood.simulations`,
      } as never);
    }
  });

/** sbatch options for the slurm executor (never part of a fingerprint) */
export const slurmResourcesSchema = z
  .object({
    partition: z.string().optional().describe('sbatch --partition'),
    time: z
      .string()
      .regex(/^[0-9:-]+$/, 'a Slurm time limit such as 00:30:00 or 1-00:00:00')
      .optional()
      .describe('sbatch --time'),
    mem: z
      .string()
      .regex(/^[0-9]+[KMGT]?$/, 'a Slurm memory size such as 4G or 800M')
      .optional()
      .describe('sbatch --mem'),
    cpus_per_task: z.number().int().min(1).optional().describe("sbatch --cpus-per-task (default: the unit's training threads)"),
    gres: z.string().optional().describe('sbatch --gres, e.g. gpu:1'),
    account: z.string().optional(),
    qos: z.string().optional(),
    extra: z.array(z.string()).default([]).describe('further sbatch options, passed as they are'),
  })
  .strict();

export type SlurmResources = z.infer<typeof slurmResourcesSchema>;

export const EXECUTORS = ['local', 'bullmq', 'slurm'] as const;
export type ExecutorName = (typeof EXECUTORS)[number];

export const stageBaseSchema = z.object({
  kind: z.string().describe('stage kind: train, tune, evaluate, shell, or a kind from stages/'),
  needs: z.array(z.string()).default([]).describe('stages that must run before this one'),
  description: z.string().optional(),
  slurm: slurmResourcesSchema.partial().optional().describe("this stage's Slurm resources, over the top-level slurm: (executor slurm only)"),
});

export const pipelineSchema = z
  .object({
    name: z.string().default('study'),
    description: z.string().optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(0),
    backend: z.enum(['auto', 'tensorflow', 'wasm', 'cpu']).default('auto'),
    executor: z.enum(EXECUTORS).default('local').describe('where units run: local processes, BullMQ workers, or Slurm jobs (never part of a fingerprint)'),
    store: z.string().optional().describe('shared store for the bullmq executor: dir:///shared/path'),
    bullmq: z
      .object({ redis: z.string().optional().describe('redis:// or rediss:// URL (prefer PIPE_REDIS_URL for one with a password)') })
      .strict()
      .optional(),
    slurm: slurmResourcesSchema.optional(),
    data: dataSchema.optional(),
    train: trainSettingsSchema.partial().optional().describe('training defaults for every train/tune stage'),
    model_params: modelParamsSchema.optional(),
    task: taskSchema.optional().describe('what train/tune/evaluate stages learn (default regression); a stage may override it'),
    stages: z.record(z.string().regex(STAGE_NAME, 'stage names are letters, digits, _ and -, starting with a letter'), z.looseObject(stageBaseSchema.shape)),
    profiles: z
      .record(z.string().regex(PROFILE_NAME, 'profile names are letters, digits, _ and -, starting with a letter'), z.record(z.string(), z.unknown()))
      .optional(),
    verify: z
      .object({
        relative_tolerance: z.number().min(0).default(0).describe('allowed relative difference of metrics on the same backend'),
        cross_backend_tolerance: z.number().min(0).default(0.05).describe('allowed relative difference across backends'),
      })
      .strict()
      .optional(),
    plots: z
      .object({
        width: z.number().int().min(200).max(8000).default(1600),
        height: z.number().int().min(200).max(8000).default(1000),
        maps: z.number().int().min(0).max(20).default(3),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PipelineConfig = z.infer<typeof pipelineSchema>;
export type DataConfig = z.infer<typeof dataSchema>;
