/** `deserwall schema`: print the config JSON Schema. */
import { ConfigSchema } from '../config/schema.js';
import { configReference } from '../config/doc.js';
import { parse } from './args.js';

export function schemaCommand(argv: string[]): number {
  const { values } = parse('schema', argv, { markdown: { type: 'boolean' } });
  if (values.help) return -1;
  if (values.markdown) {
    process.stdout.write(configReference());
    return 0;
  }
  process.stdout.write(JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'deserwall config', ...ConfigSchema }, null, 2) + '\n');
  return 0;
}
