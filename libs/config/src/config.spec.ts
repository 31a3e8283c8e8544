import { ConfigValidationError, isLoopbackHost, parseConfig } from './config.schema';

describe('configuration', () => {
  it('defaults to the embedded mode on port 8080', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({ PORT: 8080, HOST: '127.0.0.1', ENGRAM_DATA_DIR: './data', LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('treats empty variables as unset', () => {
    const config = parseConfig({ DATABASE_URL: '', REDIS_URL: '  ', ENGRAM_ADMIN_TOKEN: '' });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.REDIS_URL).toBeUndefined();
    expect(config.ENGRAM_ADMIN_TOKEN).toBeUndefined();
  });

  it('coerces numbers and booleans', () => {
    const config = parseConfig({ PORT: '9000', MIGRATE_ON_START: 'false', PIN_VALUE_MAX_BYTES: '4096' });
    expect(config).toMatchObject({ PORT: 9000, MIGRATE_ON_START: false, PIN_VALUE_MAX_BYTES: 4096 });
  });

  it('lists every bad key at once', () => {
    let error: unknown;
    try {
      parseConfig({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://db/x',
        REDIS_URL: 'http://cache',
        ENGRAM_ADMIN_TOKEN: 'short',
        LOG_LEVEL: 'loud',
        MIGRATE_ON_START: 'maybe',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigValidationError);
    const keys = (error as ConfigValidationError).issues.map((issue) => issue.split(':')[0]).sort();
    expect(keys).toEqual(['DATABASE_URL', 'ENGRAM_ADMIN_TOKEN', 'LOG_LEVEL', 'MIGRATE_ON_START', 'PORT', 'REDIS_URL']);
    expect((error as Error).message).not.toContain('short');
  });

  it('reads the drift settings, refusing thresholds out of order and weights that are all zero', () => {
    expect(parseConfig({})).toMatchObject({
      DRIFT_THRESHOLD_LOW: 0.1,
      DRIFT_THRESHOLD_MEDIUM: 0.3,
      DRIFT_THRESHOLD_HIGH: 0.6,
      DRIFT_METRIC_WORKFLOWS: [],
    });
    expect(parseConfig({ DRIFT_METRIC_WORKFLOWS: ' wf-a, wf-b ,wf-a,' }).DRIFT_METRIC_WORKFLOWS).toEqual([
      'wf-a',
      'wf-b',
    ]);
    expect(() => parseConfig({ DRIFT_THRESHOLD_MEDIUM: '0.7' })).toThrow(
      /DRIFT_THRESHOLD_LOW\/MEDIUM\/HIGH: must be in order/,
    );
    expect(() => parseConfig({ DRIFT_WEIGHT_STRUCTURAL: '0', DRIFT_WEIGHT_TEXT: '0' })).toThrow(/at least one/);
    expect(() => parseConfig({ DRIFT_METRIC_WORKFLOWS: 'has space' })).toThrow(/DRIFT_METRIC_WORKFLOWS/);
    expect(() => parseConfig({ DRIFT_THRESHOLD_HIGH: '1.5' })).toThrow(/DRIFT_THRESHOLD_HIGH/);
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', 'localhost', '::1', '127.0.0.2'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '10.0.0.1', '::'].some(isLoopbackHost)).toBe(false);
  });
});
