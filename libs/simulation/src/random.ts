/**
 * The simulator's only source of chance: pure-rand's xoroshiro128+, seeded. Each episode draws from a
 * stream of its own (the run's seed and the episode's number), so what one patient does never
 * depends on how many draws another patient made before it.
 */
import { unsafeUniformIntDistribution, xoroshiro128plus, type RandomGenerator } from 'pure-rand';

export interface Random {
  /** A number in [0, 1). */
  fraction(): number;
  /** An integer in [min, max]. */
  integer(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of the items, each as likely as its weight. */
  weighted<T>(items: readonly { readonly weight: number; readonly value: T }[]): T;
}

const resolution = 2 ** 30;

const fromGenerator = (generator: RandomGenerator): Random => {
  const integer = (min: number, max: number): number => unsafeUniformIntDistribution(min, max, generator);
  const fraction = (): number => integer(0, resolution - 1) / resolution;
  const pick = <T>(items: readonly T[]): T => {
    const item = items[integer(0, items.length - 1)];
    if (item === undefined) throw new Error('The simulator picked from an empty list.');
    return item;
  };
  return {
    fraction,
    integer,
    chance: (probability) => fraction() < probability,
    pick,
    weighted: (items) => {
      const total = items.reduce((sum, item) => sum + item.weight, 0);
      let point = fraction() * total;
      for (const item of items) {
        point -= item.weight;
        if (point < 0) return item.value;
      }
      return pick(items).value;
    },
  };
};

/** The stream of one part of a run: `stream` 0 is the department's, n the nth episode's. */
export const seededRandom = (seed: number, stream: number): Random =>
  fromGenerator(xoroshiro128plus((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(stream + 1, 0x85ebca6b)) | 0));
