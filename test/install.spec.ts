import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import semver from 'semver';

/**
 * `npm install` on the oldest Node that package.json's engines admits prints no EBADENGINE:
 * every package in the lock file (dev tools included, since npm checks them all) accepts it.
 * And the README says which Node runs what.
 */
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
/** Line breaks fall anywhere in prose: compare with every run of whitespace as one space. */
const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const oldest = semver.minVersion(pkg.engines.node)!;

describe('the Node versions the install supports', () => {
  it('engines admits Node 20', () => {
    expect(semver.intersects(pkg.engines.node, '20.x')).toBe(true);
    expect(oldest.major).toBe(20);
  });

  it('every package in the lock file accepts the oldest Node that engines admits', () => {
    const refusing = Object.entries(lock.packages as Record<string, { version?: string; engines?: unknown }>)
      .filter(([path]) => path !== '')
      .map(([path, entry]) => ({
        name: `${path.replace(/^.*node_modules\//, '')}@${entry.version}`,
        // Old packages wrote engines as an array of strings; npm ignores those.
        range: (entry.engines as { node?: string } | undefined)?.node,
      }))
      .filter(({ range }) => typeof range === 'string' && !semver.satisfies(oldest, range))
      .map(({ name, range }) => `${name} wants node ${range}`);
    expect(refusing).toEqual([]);
  });

  it("cookie's override keeps the API light-my-request calls: inject sends the cookies", async () => {
    const app = Fastify();
    app.get('/', async (request) => ({ cookie: request.headers.cookie }));
    try {
      const response = await app.inject({ url: '/', cookies: { session: 'a b', theme: 'dark' } });
      expect(response.json()).toEqual({ cookie: 'session=a%20b; theme=dark' });
    } finally {
      await app.close();
    }
  });

  it('the README says which Node runs the service and which runs the scripts', () => {
    const scriptsNode = semver.minVersion(pkg.devDependencies.node)!.major;
    expect(readme).toContain(`Node ${oldest.major}.${oldest.minor}+ and npm are all a machine needs`);
    expect(readme).toContain(`runs on Node ${oldest.major}.${oldest.minor} or later`);
    expect(readme).toContain(`brings a Node ${scriptsNode} runtime (the \`node\` package) that every npm script uses`);
  });
});
