import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Nothing in the install may contact a third party. Packages that report installs are either
 * absent from the lock file or switched off here: their install script is denied by npm's
 * allowScripts policy and their own opt-out (scarfSettings) is set, so neither an npm that runs
 * the script nor one that ignores allowScripts sends anything.
 */
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const locked = Object.keys(lock.packages as Record<string, unknown>).map((path) =>
  path.replace(/^.*node_modules\//, ''),
);

/** Known install-time telemetry, each with the check that proves it is off. */
const telemetry: Record<string, () => boolean> = {
  '@scarf/scarf': () => pkg.allowScripts?.['@scarf/scarf'] === false && pkg.scarfSettings?.enabled === false,
};

/** Packages whose only job is reporting installs or usage; none may appear at all. */
const forbidden = [
  '@pnpm/telemetry',
  'analytics-node',
  '@segment/analytics-node',
  'insight',
  'opencollective-postinstall',
];

describe('install telemetry', () => {
  it.each(Object.keys(telemetry))('%s is absent from the lock file or disabled', (name) => {
    expect(!locked.includes(name) || telemetry[name]()).toBe(true);
  });

  it('no reporting-only package is installed', () => {
    expect(locked.filter((name) => forbidden.includes(name))).toEqual([]);
  });

  it('every dependency install script is either allowed or denied explicitly', () => {
    const withScripts = Object.entries(lock.packages as Record<string, { hasInstallScript?: boolean }>)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
      .map(([path]) => path.replace(/^.*node_modules\//, ''));
    const undeclared = withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean');
    expect(undeclared).toEqual([]);
  });
});
