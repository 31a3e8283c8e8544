export * from './pins.dto';
export * from './pins.errors';
export * from './pins.service';
export * from './pins.module';
