import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * nest-cli.json describes the monorepo as it is built: every app under apps/ and every lib
 * under libs/ (and migrations, aliased like a lib) is a project whose entry file exists, and
 * the builder is the swc the build script runs with the same .swcrc.
 */
const root = join(__dirname, '..');
const nestCli = JSON.parse(readFileSync(join(root, 'nest-cli.json'), 'utf8'));
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Project {
  type: 'application' | 'library';
  root: string;
  sourceRoot: string;
  entryFile: string;
}
const projects = nestCli.projects as Record<string, Project>;

function directories(parent: string): string[] {
  return readdirSync(join(root, parent), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

function named(type: Project['type'], under: string): string[] {
  return Object.entries(projects)
    .filter(([, project]) => project.type === type && project.root.startsWith(`${under}/`))
    .map(([name]) => name)
    .sort();
}

describe('nest-cli.json', () => {
  it('is a monorepo built with swc from .swcrc, the default project being the engram command', () => {
    expect(nestCli.monorepo).toBe(true);
    expect(nestCli.compilerOptions.builder).toEqual({ type: 'swc', options: { swcrcPath: '.swcrc' } });
    expect(existsSync(join(root, nestCli.compilerOptions.builder.options.swcrcPath))).toBe(true);
    expect(pkg.scripts.build).toContain(`--config-file ${nestCli.compilerOptions.builder.options.swcrcPath}`);
    expect(existsSync(join(root, nestCli.compilerOptions.tsConfigPath))).toBe(true);
    expect(projects.cli).toMatchObject({
      root: nestCli.root,
      sourceRoot: nestCli.sourceRoot,
      entryFile: nestCli.entryFile,
    });
    expect(pkg.bin.engram).toBe(`dist/${nestCli.sourceRoot}/${nestCli.entryFile}.js`);
  });

  it.each(Object.keys(projects))('project %s exists, with its entry file under its source root', (name) => {
    const project = projects[name];
    expect(project.sourceRoot.startsWith(project.root)).toBe(true);
    expect(existsSync(join(root, project.sourceRoot, `${project.entryFile}.ts`))).toBe(true);
  });

  it('lists every app under apps/ as an application and every lib under libs/ as a library', () => {
    expect(named('application', 'apps')).toEqual(directories('apps'));
    expect(Object.values(projects).filter((project) => project.type === 'application')).toHaveLength(
      directories('apps').length,
    );
    expect(named('library', 'libs')).toEqual(directories('libs'));
    for (const lib of directories('libs')) {
      expect(projects[lib]).toEqual({
        type: 'library',
        root: `libs/${lib}`,
        sourceRoot: `libs/${lib}/src`,
        entryFile: 'index',
      });
    }
  });

  it('has a library for every path alias, at the path the alias names', () => {
    const libraries = Object.values(projects).filter((project) => project.type === 'library');
    const aliased = libraries.map((project) => `${project.sourceRoot}/${project.entryFile}`).sort();
    const expected = [
      ...directories('libs').map((lib) => `libs/${lib}/src/index`),
      ...Object.entries(tsconfig.compilerOptions.paths as Record<string, string[]>)
        .filter(([alias]) => !alias.endsWith('*'))
        .map(([, [path]]) => `${path}/index`),
    ].sort();
    expect(aliased).toEqual(expected);
  });
});
