/** The scope grammar is shared with key creation (libs/tenants), so it lives in @engram/common. */
export { SCOPE_PATTERN, isValidScope, scopesPermit } from '@engram/common';
