/**
 * Generated JSON for the fuzz tests of the parsers at the HTTP boundary: random trees, and
 * real shapes damaged one spot at a time (a key dropped, a value nulled or retyped, a row
 * repeated). Each suite brings its own odd values and likely keys.
 */
export type Rand = () => number;

export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

export interface JsonFuzzer {
  randomJson(r: Rand, depth?: number): unknown;
  /** Changes one random spot of a JSON tree in place. */
  mutate(r: Rand, value: unknown): unknown;
}

export function jsonFuzzer(odd: readonly unknown[], keys: readonly string[]): JsonFuzzer {
  // A copy each time: `mutate` works in place, and a shared `[]` or `{}` it grew would leak into
  // later inputs (and the next test's), or even come to hold itself.
  const oddOne = (r: Rand): unknown => structuredClone(pick(r, odd));
  function randomJson(r: Rand, depth = 0): unknown {
    switch (Math.floor(r() * (depth > 3 ? 6 : 9))) {
      case 0:
        return null;
      case 1:
        return r() < 0.5;
      case 2:
        return (r() - 0.5) * 10 ** Math.floor(r() * 25);
      case 3:
        return Math.floor(r() * 100);
      case 4:
        return oddOne(r);
      case 5:
        return String.fromCharCode(
          ...Array.from({ length: Math.floor(r() * 8) }, () => r() * 0xffff),
        );
      case 6:
      case 7:
        return Array.from({ length: Math.floor(r() * 4) }, () => randomJson(r, depth + 1));
      default: {
        const o: Record<string, unknown> = {};
        for (let i = Math.floor(r() * 4); i > 0; i--) o[pick(r, keys)] = randomJson(r, depth + 1);
        return o;
      }
    }
  }
  function mutate(r: Rand, value: unknown): unknown {
    if (Array.isArray(value)) {
      if (value.length === 0 || r() < 0.1) return r() < 0.5 ? randomJson(r) : oddOne(r);
      const i = Math.floor(r() * value.length);
      const roll = r();
      if (roll < 0.1) value.splice(i, 1);
      else if (roll < 0.2) value.push(structuredClone(value[i]));
      else value[i] = mutate(r, value[i]);
      return value;
    }
    if (typeof value === "object" && value !== null) {
      const o = value as Record<string, unknown>;
      const own = Object.keys(o);
      if (own.length === 0 || r() < 0.1) return oddOne(r);
      const key = pick(r, own);
      const roll = r();
      if (roll < 0.2) delete o[key];
      else if (roll < 0.35) o[key] = null;
      else if (roll < 0.45) o[key] = typeof o[key] === "number" ? String(o[key]) : 1e300;
      else o[key] = mutate(r, o[key]);
      return o;
    }
    return r() < 0.5 ? oddOne(r) : randomJson(r);
  }
  return { randomJson, mutate };
}
