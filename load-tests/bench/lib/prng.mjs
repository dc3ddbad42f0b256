// Seeded pseudo-random generator (sfc32) for benchmark bodies: the same seed
// gives the same bytes on every machine, so runs are comparable across commits.

/** Returns a function yielding uint32 values from a 32-bit seed. */
export function sfc32(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88 ^ (seed * 31);
  let c = 0xb7e15162 ^ (seed * 131);
  let d = 1;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

/** `n` pseudo-random bytes from `seed`. */
export function randomBytesSeeded(n, seed) {
  const next = sfc32(seed);
  const out = Buffer.allocUnsafe(n);
  let i = 0;
  for (; i + 4 <= n; i += 4) out.writeUInt32LE(next(), i);
  for (; i < n; i++) out[i] = next() & 0xff;
  return out;
}

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they ' +
  'you were her all she there would their we him been has when who will more no if out so said what up its about ' +
  'into than them can only other new some could time these two may then do first any my now such like our over man ' +
  'me even most made after also did many before must through back years where much your way well down should because ' +
  'each just those people how too little state good very make world still own see men work long get here between both ' +
  'life being under never day same another know while last might us great old year off come since against go came right ' +
  'used take three states himself few house use during without again place american around however home small found ' +
  'thought went say part once general high upon school every does got united left number course war until always away ' +
  'something fact though water less public put think almost hand enough far took head yet government system better set'
).split(' ');

/** A word source: `words(n)` returns n space-separated words. */
export function wordSource(seed) {
  const next = sfc32(seed);
  return {
    word: () => WORDS[next() % WORDS.length],
    words(n) {
      const parts = [];
      for (let i = 0; i < n; i++) parts.push(WORDS[next() % WORDS.length]);
      return parts.join(' ');
    },
    int: (max) => next() % max,
  };
}
