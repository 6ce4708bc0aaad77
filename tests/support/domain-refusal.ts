import { DomainError } from '../../services/errors';

/** The DomainError `fn` throws; fails the test if it throws nothing, rethrows anything else. */
export function domainRefusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (err) {
    if (err instanceof DomainError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}
