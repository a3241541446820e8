/**
 * Raised for bad input (training data, parameters, prediction rows or a serialised model), always
 * before any work is done, with a message that names what is wrong.
 */
export class BoostingInputError extends Error {
  override readonly name = 'BoostingInputError';
}
