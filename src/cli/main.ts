#!/usr/bin/env node
/**
 * The `pipe` command line. One top-level catch: a PipeError prints its message (with location and hint)
 * and exits with its reason's code; anything else is an internal error, printed in full.
 */
import { Command, CommanderError, Option } from 'commander';
import { PipeError, asPipeError, exitCodeFor } from '../failure/pipe-error.js';
import { formatError } from './errors.js';
import { windsDown } from './interrupt.js';
import type { GlobalOptions } from './context.js';
import { toolVersion } from '../package-root.js';
import { environmentProblems } from '../training/env.js';
import { registerHistoryCommands } from './commands/history.js';

/** Training settings from the environment are checked before anything runs (workers would each fail). */
function checkEnvironment(): void {
  const problems = environmentProblems();
  if (problems.length > 0) {
    throw new PipeError('usage', problems.join('; '), { hint: 'unset the variable or give it a valid value (README: Environment variables)' });
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function common(cmd: Command): Command {
  return cmd
    .option('-c, --config <file>', 'pipeline file', 'pipeline.yaml')
    .option('-p, --profile <name>', 'apply a profile from pipeline.yaml (e.g. ci, full)')
    .option('-s, --set <key=value>', 'override a config value (repeatable), e.g. --set train.epochs=3', collect)
    .option('--json', 'machine-readable output on stdout');
}

export function buildProgram(signal: AbortSignal): Command {
  const program = new Command('pipe')
    .description('staged machine-learning studies: cached stages, real training, clear plots')
    .version(toolVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  // Every command that reads the study's state reads the kernel switch (part of training fingerprints).
  program.hook('preAction', checkEnvironment);

  common(program.command('run'))
    .description('run every stale stage (or --stage S and its stale ancestors)')
    .option('--stage <name>', 'run this stage and only its stale ancestors (repeatable)', collect)
    .option('-f, --force', 're-run the target stage(s) even when fresh')
    .option('-n, --dry-run', 'print the plan and why each stage would run; touch nothing')
    .option('-k, --keep-going', 'continue past a failed stage, skipping its dependents')
    .option('-j, --jobs <n>', 'parallel workers for independent stages and units (default: number of cores)')
    .addOption(new Option('-b, --backend <name>', 'training backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']))
    .option('--no-plots', 'do not render charts after the run')
    .option('--executor <name>', 'where units run: local, bullmq, slurm (default: executor: in pipeline.yaml, else local)')
    .option('--redis <url>', 'bullmq: Redis URL (default $PIPE_REDIS_URL)')
    .option('--store <url>', 'bullmq: shared store, dir:///path (default $PIPE_STORE_URL, then store: in pipeline.yaml)')
    .option('--ui', 'serve the dashboard (pipe ui) for this run, in this process, until the run ends')
    .option('--ui-port <n>', 'port for --ui (default: a free one)')
    .action(async (opts) => {
      const { runCommand } = await import('./commands/run.js');
      process.exitCode = await runCommand(opts, signal);
    });

  common(program.command('worker'))
    .description('take units from a BullMQ queue and run them in this checkout (scale-out)')
    .option('--redis <url>', 'Redis URL (default $PIPE_REDIS_URL)')
    .option('--store <url>', 'shared store, dir:///path (default $PIPE_STORE_URL, then store: in pipeline.yaml)')
    .option('--concurrency <n>', 'units at once (default 1)')
    .addOption(new Option('-b, --backend <name>', 'training backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']))
    .action(async (opts) => {
      const { workerCommand } = await import('./commands/worker.js');
      process.exitCode = await workerCommand(opts, signal);
    });

  program
    .command('unit <file>', { hidden: true })
    .description('run one unit described by FILE (what a Slurm job runs on the compute node)')
    .action(async (file: string) => {
      const { unitCommand } = await import('./commands/unit.js');
      process.exitCode = await unitCommand(file, signal);
    });

  common(program.command('status'))
    .description('list every stage as fresh or stale, with the reasons')
    .addOption(new Option('-b, --backend <name>', 'training backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']))
    .action(async (opts: GlobalOptions) => {
      const { statusCommand } = await import('./commands/status.js');
      process.exitCode = await statusCommand(opts);
    });

  common(program.command('plot'))
    .description('re-render charts and results/report.html from results/ (no training)')
    .option('--stage <name>', "only this stage's charts (repeatable)", collect)
    .action(async (opts) => {
      const { plotCommand } = await import('./commands/plot.js');
      process.exitCode = await plotCommand(opts);
    });

  common(program.command('models'))
    .description('list the model architectures: source, parameters, size, fit to the configured grid')
    .action(async (opts) => {
      const { modelsCommand } = await import('./commands/models.js');
      process.exitCode = await modelsCommand(opts);
    });

  common(program.command('metrics'))
    .description('print the evaluation table (model × set)')
    .option('--diff', 'compare with the committed lock: changed rows marked, values old → new')
    .action(async (opts) => {
      const { metricsCommand } = await import('./commands/metrics.js');
      process.exitCode = await metricsCommand(opts);
    });

  common(program.command('verify'))
    .description('re-run every stage from scratch in a scratch cache and compare with the committed lock')
    .option('-j, --jobs <n>', 'parallel workers')
    .addOption(new Option('-b, --backend <name>', 'training backend').choices(['auto', 'tensorflow', 'wasm', 'cpu']))
    .action(async (opts) => {
      const { verifyCommand } = await import('./commands/verify.js');
      process.exitCode = await verifyCommand(opts, signal);
    });

  common(program.command('gc'))
    .description('remove cache entries no longer referenced by a lock file')
    .option('-n, --dry-run', 'only count what would be removed')
    .action(async (opts) => {
      const { gcCommand } = await import('./commands/gc.js');
      process.exitCode = await gcCommand(opts, signal);
    });

  registerHistoryCommands(program, signal);

  program
    .command('schema')
    .description('print the JSON schema of pipeline.yaml (the repository ships it as pipeline.schema.json)')
    .action(async () => {
      const { loadStageKinds } = await import('../runner/stage-kinds.js');
      await loadStageKinds(process.cwd());
      const { pipelineJsonSchema } = await import('../config/json-schema.js');
      process.stdout.write(`${JSON.stringify(pipelineJsonSchema(), null, 2)}\n`);
    });

  return program;
}

export async function main(argv: string[]): Promise<void> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupts++;
    if (interrupts > 1) process.exit(130);
    if (!windsDown()) {
      // nothing written yet (config, fingerprints, hashing): stop now
      process.stderr.write(`\npipe: ${sig} received\nerror: interrupted by ${sig}; nothing was written\n`);
      process.exit(130);
    }
    process.stderr.write(`\npipe: ${sig} received, stopping workers (finished units stay cached)…\n`);
    controller.abort(new PipeError('interrupted', `interrupted by ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await buildProgram(controller.signal).parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? 0 : 2;
    } else {
      const e = asPipeError(err);
      process.stderr.write(e.reason === 'internal' ? `internal error (please report it): ${e.message}\n` : `${formatError(e)}\n`);
      process.exitCode = exitCodeFor(e.reason);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

await main(process.argv);
