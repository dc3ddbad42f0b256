/**
 * `deserwall check-config FILE`: validate without starting anything.
 * Exit 0 when valid (a summary is printed), 1 with every problem listed.
 */
import { loadConfig } from '../config/load.js';
import { compileRouting } from '../policy/compile.js';
import { UsageError } from '../errors.js';
import { COMMAND_HELP, parse } from './args.js';

export function checkConfigCommand(argv: string[]): number {
  const { values, positionals } = parse('check-config', argv, {}, true);
  if (values.help) return -1;
  if (positionals.length !== 1) throw new UsageError(`check-config needs exactly one FILE\n\n${COMMAND_HELP['check-config']}`);
  const file = positionals[0]!;
  const { config } = loadConfig(file);
  const routing = compileRouting(config);
  const exclusions = [...routing.policies.values()].reduce((n, p) => n + p.exclusions.length, 0);
  process.stdout.write(
    `${file}: valid — mode ${config.mode}, listen ${config.listen}, upstream ${config.upstream ?? '(demo app)'}, ` +
      `${routing.policies.size} polic${routing.policies.size === 1 ? 'y' : 'ies'}, ${config.routes.length} route(s), ${exclusions} exclusion(s)\n`,
  );
  return 0;
}
