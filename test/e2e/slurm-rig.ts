/**
 * A real single-node Slurm for the slurm executor tests, from Debian's packages, without systemd or a
 * database: munged on its own socket, then `slurmctld -D` and `slurmd -D` with a slurm.conf written into a
 * temp folder (ports of their own, one node named `hostname -s` with this machine's CPUs and most of its
 * memory). Ready when `sinfo` shows the node idle; stopped (folder removed) after. Commands reach it
 * through SLURM_CONF.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, hostname, tmpdir, totalmem, userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from './redis-rig.js';

export function slurmInstalled(): boolean {
  return ['slurmctld', 'slurmd', 'munged', 'sbatch'].every((c) => spawnSync('sh', ['-c', `command -v ${c} || test -x /usr/sbin/${c}`]).status === 0);
}

export class SlurmCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'pipe-slurm-'));
  readonly conf = join(this.dir, 'slurm.conf');
  readonly node = hostname().split('.')[0]!;
  private children: ChildProcess[] = [];

  get env(): NodeJS.ProcessEnv {
    return { SLURM_CONF: this.conf };
  }

  static async start(): Promise<SlurmCluster> {
    const c = new SlurmCluster();
    try {
      await c.up();
    } catch (err) {
      await c.stop();
      throw err;
    }
    return c;
  }

  private async up(): Promise<void> {
    const d = this.dir;
    for (const sub of ['state', 'spool']) mkdirSync(join(d, sub));
    const [ctld, slurmd] = [await freePort(), await freePort()];
    const mem = Math.floor((totalmem() / 2 ** 20) * 0.8);
    writeFileSync(
      this.conf,
      `ClusterName=pipetest
SlurmctldHost=${this.node}(127.0.0.1)
SlurmctldPort=${ctld}
SlurmdPort=${slurmd}
AuthType=auth/munge
AuthInfo=socket=${d}/munge.sock
CredType=cred/munge
SlurmUser=${userInfo().username}
SlurmdUser=${userInfo().username}
StateSaveLocation=${d}/state
SlurmdSpoolDir=${d}/spool
SlurmctldPidFile=${d}/slurmctld.pid
SlurmdPidFile=${d}/slurmd.pid
SlurmctldLogFile=${d}/slurmctld.log
SlurmdLogFile=${d}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=${d}/jobcomp.txt
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=500
MinJobAge=3600
ReturnToService=2
MpiDefault=none
SwitchType=switch/none
NodeName=${this.node} CPUs=${cpus().length} RealMemory=${mem} State=UNKNOWN
PartitionName=debug Nodes=${this.node} Default=YES MaxTime=INFINITE State=UP
`,
    );
    // a key of our own: no need to read the system's (root-only) /etc/munge/munge.key
    writeFileSync(join(d, 'munge.key'), randomBytes(1024), { mode: 0o400 });
    const start = (cmd: string, args: string[]) => {
      const child = spawn(cmd, args, { stdio: 'ignore', env: { ...process.env, ...this.env } });
      this.children.push(child);
      return child;
    };
    start('/usr/sbin/munged', [
      '-F',
      '--force',
      `--socket=${d}/munge.sock`,
      `--key-file=${d}/munge.key`,
      `--pid-file=${d}/munged.pid`,
      `--log-file=${d}/munged.log`,
      `--seed-file=${d}/munged.seed`,
    ]);
    await this.waitFor(() => spawnSync('sh', ['-c', `test -S ${d}/munge.sock`]).status === 0, 'munged', 10_000);
    start('/usr/sbin/slurmctld', ['-D', '-f', this.conf]);
    start('/usr/sbin/slurmd', ['-D', '-f', this.conf]);
    await this.waitFor(() => /idle/.test(this.cmd('sinfo', ['-h', '-o', '%T']).stdout), 'sinfo to show the node idle', 60_000);
  }

  private async waitFor(ok: () => boolean, what: string, ms: number): Promise<void> {
    const t0 = Date.now();
    while (!ok()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; slurmctld log:\n${this.log('slurmctld.log')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  log(name: string): string {
    try {
      return readFileSync(join(this.dir, name), 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(none)';
    }
  }

  cmd(cmd: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...this.env } });
    return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** ids of this cluster's jobs still pending or running */
  live(): string[] {
    return this.cmd('squeue', ['-h', '-o', '%i']).stdout.split('\n').filter(Boolean);
  }

  async stop(): Promise<void> {
    for (const c of this.children.reverse()) {
      if (c.exitCode === null && c.signalCode === null) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => c.kill('SIGKILL'), 5000);
          c.once('exit', () => {
            clearTimeout(timer);
            resolve();
          });
          c.kill('SIGTERM');
        });
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
