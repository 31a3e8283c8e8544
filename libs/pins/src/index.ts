export * from './pins.dto';
export * from './pins.errors';
export * from './pins.service';
export * from './pins.module';
export { PIN_SQL } from './pins.repository';
/** The expiry job's handler, so a test or an operator's script can run one pass on demand. */
export { PinExpiryHandler } from './pins.jobs';
