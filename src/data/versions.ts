/**
 * Versions of the code that produces data sets. They are part of a data set's hash, so a change that
 * gives other arrays for the same configuration regenerates the cached sets instead of reusing them.
 * Bump one when its code's output changes.
 */

/** The flood simulator. 2: friction taken implicitly and Courant factor 0.4 (converged in time). */
export const FLOOD_GENERATOR_VERSION = 2;

/** splitSets. 2: small, big and test share no simulation (small was a subset of big). */
export const SPLIT_VERSION = 2;
