/** Injection token for the reload broadcast UpdatesModule picks from the configuration. */
export const RULES_BROADCAST = Symbol('UpdateRulesBroadcast');
