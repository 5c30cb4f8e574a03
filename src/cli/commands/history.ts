/**
 * The run-history commands (`pipe runs`, `pipe compare`, `pipe ui`), registered in one place so the
 * program's definition in main.ts stays a list of one-liners.
 */
import type { Command } from 'commander';

export function registerHistoryCommands(program: Command, signal: AbortSignal): void {
  program
    .command('runs')
    .description('list recorded runs: when, commit, profile, what changed, headline metric')
    .option('-c, --config <file>', 'pipeline file', 'pipeline.yaml')
    .option('-l, --limit <n>', 'show the last N runs (default 20)')
    .option('--json', 'machine-readable output on stdout')
    .action(async (opts) => {
      const { runsCommand } = await import('./runs.js');
      process.exitCode = await runsCommand(opts);
    });

  program
    .command('compare')
    .description('params that differ and metrics old → new between two runs (default: the last two; `lock`: the committed lock)')
    .argument('[runs...]', 'run ids (or unique prefixes), or `lock`')
    .option('-c, --config <file>', 'pipeline file', 'pipeline.yaml')
    .option('-p, --profile <name>', 'which lock `lock` means (pipeline.<profile>.lock)')
    .option('-a, --all', 'list unchanged metrics too')
    .option('--json', 'machine-readable output on stdout')
    .action(async (refs: string[], opts) => {
      const { compareCommand } = await import('./compare.js');
      process.exitCode = await compareCommand(refs, opts);
    });

  program
    .command('ui')
    .description('serve a live dashboard of this project\'s runs on the loopback (read-only)')
    .option('-c, --config <file>', 'pipeline file', 'pipeline.yaml')
    .option('--port <n>', 'port (default: a free one)')
    .option('--host <addr>', 'address to bind', '127.0.0.1')
    .action(async (opts) => {
      const { uiCommand } = await import('./ui.js');
      process.exitCode = await uiCommand(opts, signal);
    });
}
