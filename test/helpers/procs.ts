// Live processes found by their command line (Linux /proc): what an ffmpeg left behind looks like.
import fs from 'node:fs';

/** "PID: command line" of each process other than this one whose command line contains `text` (and not `unless`). */
export function processesNaming(text: string, unless?: string): string[] {
  return fs
    .readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n) && Number(n) !== process.pid)
    .flatMap((p) => {
      try {
        const cmd = fs.readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
        return cmd.includes(text) && !(unless && cmd.includes(unless)) ? [`${p}: ${cmd.slice(0, 200)}`] : [];
      } catch {
        return []; // gone meanwhile
      }
    });
}
