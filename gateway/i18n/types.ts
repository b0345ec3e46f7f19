import type { Authority } from '../../runtime/authority';
import type { ErrorCode } from './errorCodes';

/**
 * One language's texts: a message for every error code, and the name of each authority as the messages use it
 * (`{authority}` in a message is replaced by it). A missing code is a type error.
 */
export interface Messages {
  errors: Readonly<Record<ErrorCode, string>>;
  authorities: Readonly<Record<Authority, string>>;
  /** Said instead of an authority's name when the failing part is not known. */
  someAuthority: string;
}
