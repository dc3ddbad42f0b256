/** `deserwall schema`: print the config JSON Schema. */
import { ConfigSchema } from '../config/schema.js';
import { parse } from './args.js';

export function schemaCommand(argv: string[]): number {
  const { values } = parse('schema', argv, {});
  if (values.help) return -1;
  process.stdout.write(JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'deserwall config', ...ConfigSchema }, null, 2) + '\n');
  return 0;
}
