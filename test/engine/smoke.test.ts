import { describe, expect, it } from 'vitest';
import { ATTACK_FAMILIES } from '../../src/engine/types.js';

describe('engine vocabulary', () => {
  it('lists the attack families a policy can address', () => {
    expect(ATTACK_FAMILIES).toContain('pickle');
    expect(new Set(ATTACK_FAMILIES).size).toBe(ATTACK_FAMILIES.length);
  });
});
