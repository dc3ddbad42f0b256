/**
 * `deserwall sign --key-id ID --key-file FILE [--time UNIX] [BODY_FILE | -]`:
 * print the signature header value for a body, exactly as the proxy checks
 * it: `t=<unix>,kid=<id>,sig=<hex>` with HMAC-SHA256 over "<t>." and the
 * body bytes. The key file is read like the proxy reads it. Exit 0 printed,
 * 1 when the key or body cannot be read, 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import { DwError, UsageError } from '../errors.js';
import { MAX_KEY_BYTES, MIN_KEY_BYTES, readKeyFile } from '../policy/guards/keys.js';
import { formatSignatureHeader, isKeyId, isUnixTime } from '../policy/guards/signature-header.js';
import { COMMAND_HELP, parse } from './args.js';

export async function signCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parse('sign', argv, { 'key-id': { type: 'string' }, 'key-file': { type: 'string' }, time: { type: 'string' } }, true);
  if (values.help) return -1;
  const usage = (msg: string) => new UsageError(`${msg}\n\n${COMMAND_HELP.sign}`);
  const kid = values['key-id'];
  const keyFile = values['key-file'];
  if (typeof kid !== 'string' || !isKeyId(kid)) throw usage('sign needs --key-id ID (1 to 64 of A-Z a-z 0-9 . _ -)');
  if (typeof keyFile !== 'string' || keyFile === '') throw usage('sign needs --key-file FILE');
  const timeText = values.time;
  if (timeText !== undefined && (typeof timeText !== 'string' || !isUnixTime(timeText))) throw usage('--time must be a unix time in seconds (decimal digits, no leading zero)');
  if (positionals.length > 1) throw usage('sign takes one BODY_FILE (or - for stdin)');
  const time = typeof timeText === 'string' ? Number(timeText) : Math.floor(Date.now() / 1000);

  let key: Buffer;
  try {
    key = readKeyFile(keyFile);
  } catch (err) {
    throw new DwError('DW_ERR_SIGN_READ', `cannot read key file ${keyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
  }
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) throw new DwError('DW_ERR_SIGN_READ', `key file ${keyFile} holds ${key.length} bytes; keys are ${MIN_KEY_BYTES} to ${MAX_KEY_BYTES} bytes`, 1);

  const source = positionals[0] ?? '-';
  let body: Buffer;
  try {
    body = source === '-' ? await readStdin() : readFileSync(source);
  } catch (err) {
    throw new DwError('DW_ERR_SIGN_READ', `cannot read body ${source}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, 1);
  }
  process.stdout.write(`${formatSignatureHeader(key, kid, time, body)}\n`);
  return 0;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
