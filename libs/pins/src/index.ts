export * from './pins.dto';
export * from './pins.errors';
export * from './pins.service';
export * from './pins.module';
export { PIN_SQL } from './pins.repository';
