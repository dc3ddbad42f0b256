import { describe, expect, it } from 'vitest';
import { configLimitKey } from '../../src/engine/limit-keys.js';
import { inspect } from '../helpers/engine.js';

const limitsOf = (v: ReturnType<typeof inspect>) => v.findings.filter((f) => f.kind === 'limit').map((f) => f.limit);

describe('finding limit fields name configuration keys', () => {
  it('maps internal option names to the keys of limits.* and keeps fixed caps namespaced', () => {
    expect(configLimitKey('json.maxDepth')).toBe('maxJsonDepth');
    expect(configLimitKey('form.maxFields')).toBe('maxFormParams');
    expect(configLimitKey('multipart.maxHeaderBytes')).toBe('maxPartHeaderBytes');
    expect(configLimitKey('containers.maxRatio')).toBe('maxDecompressionRatio');
    expect(configLimitKey('json.maxKeyBytes')).toBe('json.maxKeyBytes');
  });

  it('through the engine: JSON depth, form fields and multipart parts', () => {
    expect(limitsOf(inspect(`${'['.repeat(100)}${']'.repeat(100)}`, { contentType: 'application/json' }))).toContain('maxJsonDepth');
    const form = Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&');
    expect(limitsOf(inspect(form, { contentType: 'application/x-www-form-urlencoded' }))).toContain('maxFormParams');
    const parts = `${Array.from({ length: 101 }, (_, i) => `--b\r\nContent-Disposition: form-data; name="p${i}"\r\n\r\nx\r\n`).join('')}--b--\r\n`;
    expect(limitsOf(inspect(parts, { contentType: 'multipart/form-data; boundary=b' }))).toContain('maxMultipartParts');
  });
});
