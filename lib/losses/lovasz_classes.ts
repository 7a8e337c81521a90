/**
 * Which classes a Lovász-Softmax loss averages over: `"present"` (those in the labels of the
 * group, Berman's default), `"all"`, or a list of class indices.
 * @module
 */

/** Which classes a Lovász-Softmax loss averages over. */
export type LovaszClasses = "present" | "all" | number[];
