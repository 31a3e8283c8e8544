/** The longest TTL a pin or a memory may carry: one year, in seconds. */
export const MAX_TTL_SECONDS = 31_536_000;
