/**
 * The data sets every pipeline has, split by simulation from one source: small (a few simulations of
 * big), big (all but test) and test (held out). The names, in reading order, are defined here only.
 */
export const SET_NAMES = ['small', 'big', 'test'] as const;

export type SetName = (typeof SET_NAMES)[number];

export function isSetName(name: string): name is SetName {
  return (SET_NAMES as readonly string[]).includes(name);
}
