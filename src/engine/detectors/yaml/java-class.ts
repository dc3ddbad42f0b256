/**
 * Judges the Java class named by a SnakeYAML global tag (`!!<fqcn>`, i.e.
 * `tag:yaml.org,2002:<fqcn>`): SnakeYAML's default Constructor loads and
 * instantiates that class, so any fully-qualified class name is a finding.
 * The shared Java class judge (java/classes.ts `javaGadgetClass`) only adds
 * the gadget group to the message.
 */
import { isJavaClassName, javaGadgetClass } from '../java/classes.js';

export { isJavaClassName };

/** A short note naming the gadget group of a known dangerous class, or undefined. */
export function javaClassNote(name: string): string | undefined {
  const verdict = javaGadgetClass(name);
  return verdict === null ? undefined : `${verdict.group}: ${verdict.reason}`;
}
