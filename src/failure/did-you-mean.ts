/**
 * "Did you mean …?" suggestions, for every message that names an unknown key, stage, profile, kind or
 * model. A suggestion is offered only when it is close: within a third of the word's length in edits and
 * not a complete replacement (`E` is not a misspelling of `A`).
 */
import { distance } from 'fastest-levenshtein';

/** The closest candidate when it is plausibly a misspelling of `word`, else undefined. */
export function closeMatch(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD || (d === bestD && best !== undefined && c < best)) {
      best = c;
      bestD = d;
    }
  }
  if (best === undefined) return undefined;
  const limit = Math.max(1, Math.ceil(word.length / 3));
  return bestD <= limit && bestD < word.length ? best : undefined;
}

/** " (did you mean 'x'?)" or "". */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const m = closeMatch(word, candidates);
  return m === undefined ? '' : ` (did you mean '${m}'?)`;
}
