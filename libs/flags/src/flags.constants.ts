/** The replica broadcast for the flags file (HotReloadedFile announcements). */
export const FLAGS_FILE_BROADCAST = Symbol('FLAGS_FILE_BROADCAST');
/** The replica broadcast for per-tenant overrides: `version` carries the tenant whose rows changed. */
export const FLAG_OVERRIDES_BROADCAST = Symbol('FLAG_OVERRIDES_BROADCAST');
