/**
 * The `limit` a finding names is the configuration key a user can change
 * (src/config/schema.ts `limits.*`), not the option name of the component that
 * hit it: `json.maxDepth` is reported as `maxJsonDepth`. Limits with no
 * configuration key (fixed caps such as `json.maxKeyBytes` or
 * `containers.lz4MaxFrames`) keep their namespaced internal name.
 */

const CONFIG_KEYS: ReadonlyMap<string, string> = new Map([
  ['json.maxDepth', 'maxJsonDepth'],
  ['json.maxKeys', 'maxJsonKeys'],
  ['json.maxValues', 'maxJsonKeys'], // values are capped at four times maxJsonKeys
  ['json.maxStringBytes', 'maxBodyBytes'],
  ['form.maxFields', 'maxFormParams'],
  ['form.maxFieldBytes', 'maxBodyBytes'],
  ['multipart.maxParts', 'maxMultipartParts'],
  ['multipart.maxHeaderBytes', 'maxPartHeaderBytes'],
  ['multipart.maxFieldBytes', 'maxBodyBytes'],
  ['containers.maxOutputBytes', 'maxDecodedBytes'],
  ['containers.maxRatio', 'maxDecompressionRatio'],
  ['containers.zipMaxEntries', 'maxZipEntries'],
  ['containers.zipMaxTotalBytes', 'maxZipUncompressedBytes'],
  ['containers.zipMaxEntryBytes', 'maxDecodedBytes'],
  ['containers.zipMaxRatio', 'maxDecompressionRatio'],
  ['containers.tarMaxEntries', 'maxZipEntries'],
  ['containers.sevenZipMaxEntries', 'maxZipEntries'],
]);

/** The configuration key for an internal limit name (`json.maxDepth`), or the name itself when it has none. */
export function configLimitKey(name: string): string {
  return CONFIG_KEYS.get(name) ?? name;
}

/** The configuration key for a view's limit option (`viewLimitKey('form', 'maxFields')` is `maxFormParams`). */
export function viewLimitKey(view: 'json' | 'form' | 'multipart', option: string): string {
  return configLimitKey(`${view}.${option}`);
}
