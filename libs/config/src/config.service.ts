import { EngramConfig } from './config.schema';

/** Typed, read-only access to the configuration parsed at boot. */
export class ConfigService {
  constructor(private readonly config: Readonly<EngramConfig>) {}

  get<K extends keyof EngramConfig>(key: K): EngramConfig[K] {
    return this.config[key];
  }

  get embeddedDatabase(): boolean {
    return this.config.DATABASE_URL === undefined;
  }

  get embeddedQueue(): boolean {
    return this.config.REDIS_URL === undefined;
  }
}
