import { it } from 'vitest';
import { findAliasBomb } from '../../../src/engine/detectors/yaml/aliases.js';
import { utf8 } from '../php/harness.js';
it('perf', () => {
  const cases = {
    plain: 'key: value with words # c\n- item\n'.repeat(200_000),
    anch: 'k: &a [x, y, "z"]\nv: *a\n'.repeat(200_000),
    flow: 'k: [x, y, "z"]\nv: b\n'.repeat(200_000),
  };
  for (const [n, t] of Object.entries(cases)) {
    const b = utf8(t);
    for (let k = 0; k < 3; k++) { const t0 = performance.now(); findAliasBomb(b); if (k === 2) console.log(n, t.length, (performance.now() - t0).toFixed(1), 'ms'); }
  }
});
