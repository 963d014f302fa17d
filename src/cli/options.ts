import type { Command } from 'commander';

/** The two options every command takes (they are global too; repeating them lets them follow the command). */
export function withDataJson(cmd: Command): Command {
  return cmd.option('--data <dir>', 'data directory').option('--json', 'print one JSON document on stdout');
}
