import { Command, Option } from 'commander';
import type {
  ApiKey,
  AssembledContext,
  CreateTenantInput,
  EngramClient,
  Memory,
  MemoryType,
  Namespace,
  Pin,
  SearchResult,
  Tenant,
  TenantUsage,
} from '@engram-memory/sdk';
import { EXIT_CODES_HELP, action, connected, fraction, json, jsonObject, list, positiveInt } from './connection';
import { Column, details, print, printJson, table } from './output';

/**
 * `engram memory | namespace | context | pins | tenants | keys | stats`: the API for people
 * and scripts, through the TypeScript SDK.
 */
const MEMORY_TYPES: MemoryType[] = ['semantic', 'episodic', 'working', 'procedural'];
const day = (timestamp: string | null | undefined) => (timestamp ? timestamp.slice(0, 19).replace('T', ' ') : null);

const memoryColumns: Column<Memory>[] = [
  { header: 'ID', value: (m) => m.id },
  { header: 'NAMESPACE', value: (m) => m.namespace, max: 24 },
  { header: 'TYPE', value: (m) => m.type },
  { header: 'TAGS', value: (m) => m.tags, max: 24 },
  { header: 'IMPORTANCE', value: (m) => m.importance },
  { header: 'CREATED', value: (m) => day(m.created_at) },
  { header: 'CONTENT', value: (m) => m.content, max: 60 },
];
const namespaceColumns: Column<Namespace>[] = [
  { header: 'NAME', value: (n) => n.name },
  { header: 'MEMORIES', value: (n) => n.memory_count },
  { header: 'BUDGET', value: (n) => n.default_token_budget },
  { header: 'MODEL', value: (n) => n.embedding_model },
  { header: 'RETENTION_DAYS', value: (n) => n.retention_days },
  { header: 'DESCRIPTION', value: (n) => n.description, max: 50 },
];
const pinColumns: Column<Pin>[] = [
  { header: 'KEY', value: (p) => p.key, max: 60 },
  { header: 'VALUE', value: (p) => JSON.stringify(p.value), max: 60 },
  { header: 'EXPIRES', value: (p) => day(p.expires_at) },
  { header: 'UPDATED', value: (p) => day(p.updated_at) },
];
const tenantColumns: Column<Tenant>[] = [
  { header: 'ID', value: (t) => t.id },
  { header: 'NAME', value: (t) => t.name, max: 40 },
  { header: 'PLAN', value: (t) => t.plan },
  { header: 'STATUS', value: (t) => t.status },
  { header: 'CREATED', value: (t) => day(t.created_at) },
];
const keyColumns: Column<ApiKey>[] = [
  { header: 'ID', value: (k) => k.id },
  { header: 'NAME', value: (k) => k.name, max: 30 },
  { header: 'ROLE', value: (k) => k.role },
  { header: 'PREFIX', value: (k) => k.key_prefix },
  { header: 'SCOPES', value: (k) => k.scopes },
  { header: 'CREATED', value: (k) => day(k.created_at) },
  { header: 'EXPIRES', value: (k) => day(k.expires_at) },
  { header: 'REVOKED', value: (k) => day(k.revoked_at) },
];
const resultColumns: Column<SearchResult>[] = [
  { header: 'SCORE', value: (r) => r.score.toFixed(4) },
  { header: 'ID', value: (r) => r.memory.id },
  { header: 'NAMESPACE', value: (r) => r.memory.namespace, max: 24 },
  { header: 'TYPE', value: (r) => r.memory.type },
  { header: 'CONTENT', value: (r) => r.memory.content, max: 70 },
];

/** A list for people (a table, or a line saying there is nothing) or for scripts (a JSON array). */
function printList<T>(rows: T[], columns: Column<T>[], asJson: boolean | undefined, empty: string): void {
  if (asJson) {
    printJson(rows);
  } else {
    print(rows.length ? table(rows, columns) : empty);
  }
}

function printOne<T>(row: T, fields: (row: T) => [string, unknown][], asJson: boolean | undefined): void {
  if (asJson) {
    printJson(row);
  } else {
    print(details(fields(row)));
  }
}

const memoryFields = (m: Memory): [string, unknown][] => [
  ['id', m.id],
  ['namespace', m.namespace],
  ['type', m.type],
  ['content', m.content],
  ['tags', m.tags],
  ['metadata', m.metadata],
  ['importance', m.importance],
  ['source', m.provenance.source],
  ['embedding', m.embedding_status],
  ['accessed', m.access_count],
  ['created', m.created_at],
  ['updated', m.updated_at],
  ['expires', m.expires_at],
];
const namespaceFields = (n: Namespace): [string, unknown][] => [
  ['name', n.name],
  ['tenant', n.tenant_id],
  ['description', n.description],
  ['memories', n.memory_count],
  ['token budget', n.default_token_budget],
  ['embedding model', n.embedding_model],
  ['pending model', n.pending_embedding_model],
  ['retention days', n.retention_days],
  ['created', n.created_at],
  ['updated', n.updated_at],
];
const pinFields = (p: Pin): [string, unknown][] => [
  ['key', p.key],
  ['value', JSON.stringify(p.value)],
  ['source', p.source],
  ['created', p.created_at],
  ['updated', p.updated_at],
  ['expires', p.expires_at],
];
const tenantFields = (t: Tenant): [string, unknown][] => [
  ['id', t.id],
  ['name', t.name],
  ['plan', t.plan],
  ['status', t.status],
  ['quotas', t.quotas],
  ['overrides', t.quota_overrides],
  ['created', t.created_at],
  ['updated', t.updated_at],
];

/** Follows next_cursor with --all; otherwise one page, saying on stderr how to get the next. */
async function page<T>(
  fetchPage: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>,
  options: { all?: boolean; cursor?: string },
): Promise<T[]> {
  const rows: T[] = [];
  let cursor = options.cursor;
  for (;;) {
    const { items, next } = await fetchPage(cursor);
    rows.push(...items);
    if (next === null) {
      return rows;
    }
    if (!options.all) {
      process.stderr.write(`more: --cursor ${next} (or --all)\n`);
      return rows;
    }
    cursor = next;
  }
}

const pagingOptions = (command: Command) =>
  command
    .option('--limit <n>', 'per page', positiveInt)
    .option('--cursor <cursor>', 'the next page (as a previous listing printed it)')
    .option('--all', 'every page');

function memoryCommands(program: Command): void {
  const memory = program.command('memory').description('memories: free text in namespaces');
  const typeOption = () => new Option('--type <type>', 'memory type').choices(MEMORY_TYPES);

  connected(
    memory
      .command('create')
      .description('store a memory (equal content in a namespace is stored once)')
      .argument('<content>', 'the text')
      .requiredOption('-n, --namespace <name>', 'namespace')
      .addOption(typeOption())
      .option('--tags <tags>', 'comma-separated', list)
      .option('--importance <0..1>', 'importance', fraction)
      .option('--metadata <json>', 'a JSON object', jsonObject)
      .option('--source <source>', 'where it came from')
      .option('--ttl <seconds>', 'expires after', positiveInt)
      .option('--create-namespace', 'create the namespace if it does not exist'),
  ).action(
    action(async (client, o, content: string) => {
      const created = await client.remember(o.namespace as string, content, {
        type: o.type as MemoryType | undefined,
        tags: o.tags as string[] | undefined,
        importance: o.importance as number | undefined,
        metadata: o.metadata as Record<string, never> | undefined,
        source: o.source as string | undefined,
        ttl_seconds: o.ttl as number | undefined,
        create_namespace: o.createNamespace ? true : undefined,
      });
      if (o.json) {
        printJson(created);
      } else {
        print(`${created.duplicate ? 'exists' : 'created'} ${created.id}`);
      }
    }),
  );

  connected(
    pagingOptions(
      memory
        .command('list')
        .description('list memories, newest first')
        .option('-n, --namespace <name>', 'namespace')
        .addOption(typeOption())
        .option('--tags <tags>', 'having all these tags (comma-separated)', list),
    ),
  ).action(
    action(async (client, o) => {
      const rows = await page(
        async (cursor) => {
          const result = await client.memories.list({
            namespace: o.namespace as string | undefined,
            type: o.type as MemoryType | undefined,
            tags: o.tags as string[] | undefined,
            limit: o.limit as number | undefined,
            cursor,
          });
          return { items: result.memories, next: result.has_more ? result.next_cursor : null };
        },
        { all: o.all as boolean, cursor: o.cursor as string | undefined },
      );
      printList(rows, memoryColumns, o.json, 'no memories');
    }),
  );

  connected(memory.command('get').description('show one memory').argument('<id>', 'memory id')).action(
    action(async (client, o, id: string) => printOne(await client.memories.get(id), memoryFields, o.json)),
  );

  connected(
    memory
      .command('update')
      .description('change a memory (only the fields given)')
      .argument('<id>', 'memory id')
      .option('--content <text>', 'new text')
      .addOption(typeOption())
      .option('--tags <tags>', 'replace the tags (comma-separated)', list)
      .option('--importance <0..1>', 'importance', fraction)
      .option('--metadata <json>', 'replace the metadata (a JSON object)', jsonObject)
      .option('-n, --namespace <name>', 'move it to this namespace'),
  ).action(
    action(async (client, o, id: string) => {
      const updated = await client.memories.update(id, {
        content: o.content as string | undefined,
        type: o.type as MemoryType | undefined,
        tags: o.tags as string[] | undefined,
        importance: o.importance as number | undefined,
        metadata: o.metadata as Record<string, never> | undefined,
        namespace: o.namespace as string | undefined,
      });
      printOne(updated, memoryFields, o.json);
    }),
  );

  connected(memory.command('delete').description('delete a memory').argument('<id>', 'memory id')).action(
    action(async (client, o, id: string) => {
      await client.forget(id);
      if (o.json) {
        printJson({ deleted: id });
      } else {
        print(`deleted ${id}`);
      }
    }),
  );

  connected(
    memory
      .command('search')
      .description('hybrid search (words, meaning, recency, importance), best first')
      .argument('<query>', 'what to look for')
      .requiredOption('-n, --namespace <names>', 'namespace (comma-separated for several, up to 20)', list)
      .option('-k, --limit <n>', 'how many', positiveInt)
      .addOption(typeOption())
      .option('--tags <tags>', 'having all these tags (comma-separated)', list),
  ).action(
    action(async (client, o, query: string) => {
      const names = o.namespace as string[];
      const found = await client.recall(query, {
        ...(names.length === 1 ? { namespace: names[0] } : { namespaces: names }),
        k: o.limit as number | undefined,
        filters:
          o.type || o.tags
            ? { types: o.type ? [o.type as MemoryType] : undefined, tags: o.tags as string[] | undefined }
            : undefined,
      });
      if (o.json) {
        printJson(found);
      } else {
        print(found.results.length ? table(found.results, resultColumns) : 'no match');
      }
    }),
  );
}

function namespaceCommands(program: Command): void {
  const namespace = program.command('namespace').description('namespaces: where memories live');
  const settings = (command: Command) =>
    command
      .option('--description <text>', 'what it holds')
      .option('--budget <tokens>', 'default token budget for context', positiveInt)
      .option('--embedding-model <model>', 'embedding model')
      .option('--retention-days <days>', 'delete memories older than this', positiveInt);
  const input = (o: Record<string, unknown>) => ({
    description: o.description as string | undefined,
    default_token_budget: o.budget as number | undefined,
    embedding_model: o.embeddingModel as string | undefined,
    retention_days: o.retentionDays as number | undefined,
  });

  connected(settings(namespace.command('create').description('create a namespace').argument('<name>'))).action(
    action(async (client, o, name: string) =>
      printOne(await client.namespaces.create({ name, ...input(o) }), namespaceFields, o.json),
    ),
  );
  connected(namespace.command('list').description('list namespaces')).action(
    action(async (client, o) => printList(await client.namespaces.list(), namespaceColumns, o.json, 'no namespaces')),
  );
  connected(namespace.command('get').description('show a namespace').argument('<name>')).action(
    action(async (client, o, name: string) => printOne(await client.namespaces.get(name), namespaceFields, o.json)),
  );
  connected(
    settings(
      namespace.command('update').description('change a namespace (only the settings given)').argument('<name>'),
    ),
  ).action(
    action(async (client, o, name: string) =>
      printOne(await client.namespaces.update(name, input(o)), namespaceFields, o.json),
    ),
  );
  connected(
    namespace.command('delete').description('delete a namespace and every memory in it').argument('<name>'),
  ).action(
    action(async (client, o, name: string) => {
      await client.namespaces.delete(name);
      if (o.json) {
        printJson({ deleted: name });
      } else {
        print(`deleted ${name}`);
      }
    }),
  );
}

function printContext(context: AssembledContext, budget: number | undefined): void {
  print(context.text);
  // The text alone on stdout (it goes into a prompt); the statistics are for the person.
  const zones = (['critical', 'middle', 'recency'] as const).map((zone) => ({ zone, ...context.zones[zone] }));
  const stats = [
    table(zones, [
      { header: 'ZONE', value: (z) => z.zone },
      { header: 'BUDGET', value: (z) => z.budget },
      { header: 'USED', value: (z) => z.used },
    ]),
    `tokens used: ${context.tokens_used}${budget ? ` of ${budget}` : ''}; blocks: ${context.blocks.length}; ` +
      `considered: ${context.considered}; skipped: ${context.skipped.length}`,
  ];
  process.stderr.write(`\n${stats.join('\n')}\n`);
}

function contextCommand(program: Command): void {
  connected(
    program
      .command('context')
      .description('the best memories (and pins) for a query, packed under a token budget, as prompt text')
      .argument('<query>', 'what the next step is about')
      .requiredOption('-n, --namespace <name>', 'namespace')
      .option('-b, --budget <tokens>', "token budget (default: the namespace's)", positiveInt)
      .option('--pins <prefixes>', 'include pins under these key prefixes (comma-separated)', list)
      .addOption(new Option('--format <format>', 'how the text is written').choices(['xml', 'markdown', 'json'])),
  )
    .addHelpText(
      'after',
      '\nThe text goes to stdout; the zone statistics to stderr (so `> prompt.txt` keeps the text alone).',
    )
    .action(
      action(async (client, o, query: string) => {
        const context = await client.context(query, {
          namespace: o.namespace as string,
          token_budget: o.budget as number | undefined,
          pin_prefixes: o.pins as string[] | undefined,
          format: o.format as 'xml' | 'markdown' | 'json' | undefined,
        });
        if (o.json) {
          printJson(context);
        } else {
          printContext(context, o.budget as number | undefined);
        }
      }),
    );
}

function pinCommands(program: Command): void {
  const pins = program.command('pins').description('pins: JSON values under a key');
  connected(pins.command('get').description('show a pin').argument('<key>')).action(
    action(async (client, o, key: string) => {
      const pin = await client.pins.get(key);
      if (o.json) {
        printJson(pin);
      } else {
        print(details(pinFields(pin)));
      }
    }),
  );
  connected(
    pins
      .command('set')
      .description('create or replace a pin')
      .argument('<key>')
      .argument('<value>', 'JSON: 42, true, \'"text"\', \'{"rpm": 600}\'', json)
      .option('--ttl <seconds>', 'expires after (0: never)', positiveInt)
      .option('--source <source>', 'who set it'),
  ).action(
    action(async (client, o, key: string, value: unknown) => {
      const pin = await client.pins.set(key, value as never, {
        ttl_seconds: o.ttl as number | undefined,
        source: o.source as string | undefined,
      });
      printOne(pin, pinFields, o.json);
    }),
  );
  connected(
    pagingOptions(pins.command('list').description('list pins in key order').option('--prefix <prefix>', 'key prefix')),
  ).action(
    action(async (client, o) => {
      const rows = await page(
        async (cursor) => {
          const result = await client.pins.list({
            prefix: o.prefix as string | undefined,
            limit: o.limit as number | undefined,
            cursor,
          });
          return { items: result.pins, next: result.has_more ? result.next_cursor : null };
        },
        { all: o.all as boolean, cursor: o.cursor as string | undefined },
      );
      printList(rows, pinColumns, o.json, 'no pins');
    }),
  );
  connected(pins.command('delete').description('delete a pin').argument('<key>')).action(
    action(async (client, o, key: string) => {
      await client.pins.delete(key);
      if (o.json) {
        printJson({ deleted: key });
      } else {
        print(`deleted ${key}`);
      }
    }),
  );
}

function quotaOptions(command: Command): Command {
  return command
    .option('--max-pins <n>', 'quota override', positiveInt)
    .option('--max-memories <n>', 'quota override', positiveInt)
    .option('--storage-bytes <n>', 'quota override', positiveInt)
    .option('--rpm <n>', 'requests per minute override', positiveInt);
}

function quotas(o: Record<string, unknown>): CreateTenantInput['quotas'] {
  const picked = {
    max_pins: o.maxPins as number | undefined,
    max_memories: o.maxMemories as number | undefined,
    storage_bytes: o.storageBytes as number | undefined,
    requests_per_minute: o.rpm as number | undefined,
  };
  return Object.values(picked).some((value) => value !== undefined) ? picked : undefined;
}

function printUsage(usage: TenantUsage, asJson: boolean | undefined): void {
  if (asJson) {
    printJson(usage);
    return;
  }
  const rows = [
    { what: 'pins', used: usage.usage.pins, quota: usage.quotas.max_pins },
    { what: 'memories', used: usage.usage.memories, quota: usage.quotas.max_memories },
    { what: 'storage_bytes', used: usage.usage.storage_bytes, quota: usage.quotas.storage_bytes },
    { what: 'requests_per_minute', used: null, quota: usage.quotas.requests_per_minute },
  ];
  print(`tenant ${usage.tenant_id} (plan ${usage.plan})`);
  print(
    table(rows, [
      { header: 'USAGE', value: (r) => r.what },
      { header: 'USED', value: (r) => r.used },
      { header: 'QUOTA', value: (r) => r.quota ?? 'unlimited' },
    ]),
  );
}

function tenantCommands(program: Command): void {
  const tenants = program.command('tenants').description('tenants (operators)');
  const plan = () => new Option('--plan <plan>', 'plan').choices(['free', 'standard', 'premium']);
  const show = (tenant: Tenant, asJson: boolean | undefined) => printOne(tenant, tenantFields, asJson);

  connected(
    quotaOptions(
      tenants
        .command('create')
        .description('create a tenant')
        .argument('<id>', 'lowercase letters, digits, - and _')
        .requiredOption('--name <name>', 'display name')
        .addOption(plan()),
    ),
  ).action(
    action(async (client, o, id: string) =>
      show(
        await client.tenants.create({
          id,
          name: o.name as string,
          plan: o.plan as CreateTenantInput['plan'],
          quotas: quotas(o),
        }),
        o.json,
      ),
    ),
  );
  connected(
    pagingOptions(
      tenants
        .command('list')
        .description('list tenants in id order')
        .addOption(new Option('--status <status>', 'status').choices(['active', 'suspended', 'pending_deletion']))
        .addOption(plan()),
    ),
  ).action(
    action(async (client, o) => {
      const rows = await page(
        async (cursor) => {
          const result = await client.tenants.list({
            status: o.status as Tenant['status'] | undefined,
            plan: o.plan as Tenant['plan'] | undefined,
            limit: o.limit as number | undefined,
            cursor,
          });
          return { items: result.tenants, next: result.has_more ? result.next_cursor : null };
        },
        { all: o.all as boolean, cursor: o.cursor as string | undefined },
      );
      printList(rows, tenantColumns, o.json, 'no tenants');
    }),
  );
  connected(tenants.command('get').description('show a tenant with its effective quotas').argument('<id>')).action(
    action(async (client, o, id: string) => show(await client.tenants.get(id), o.json)),
  );
  connected(
    quotaOptions(
      tenants
        .command('update')
        .description('rename, change plan or override quotas')
        .argument('<id>')
        .option('--name <name>', 'display name')
        .addOption(plan()),
    ),
  ).action(
    action(async (client, o, id: string) =>
      show(
        await client.tenants.update(id, {
          name: o.name as string | undefined,
          plan: o.plan as CreateTenantInput['plan'],
          quotas: quotas(o),
        }),
        o.json,
      ),
    ),
  );
  connected(
    tenants.command('delete').description('delete a tenant: keys revoked now, data erased by a job').argument('<id>'),
  ).action(action(async (client, o, id: string) => show(await client.tenants.delete(id), o.json)));
  connected(
    tenants.command('suspend').description('suspend a tenant (its data routes answer 403)').argument('<id>'),
  ).action(action(async (client, o, id: string) => show(await client.tenants.suspend(id), o.json)));
  connected(tenants.command('activate').description('re-activate a suspended tenant').argument('<id>')).action(
    action(async (client, o, id: string) => show(await client.tenants.activate(id), o.json)),
  );
  connected(tenants.command('usage').description('usage counters and effective quotas').argument('<id>')).action(
    action(async (client, o, id: string) => printUsage(await client.tenants.usage(id), o.json)),
  );
}

function keyCommands(program: Command): void {
  const keys = program.command('keys').description("a tenant's API keys (operators)");
  connected(
    keys
      .command('create')
      .description('create an API key (the key is printed once)')
      .argument('<tenant>', 'tenant id')
      .requiredOption('--name <name>', 'what it is for')
      .addOption(
        new Option('--role <role>', 'role')
          .choices(['machine', 'dev', 'readonly', 'admin', 'infra'])
          .makeOptionMandatory(),
      )
      .option('--scopes <scopes>', 'narrow the role (comma-separated, e.g. memory:read,context:read)', list)
      .option('--expires-at <iso>', 'expiry, e.g. 2030-01-01T00:00:00Z'),
  ).action(
    action(async (client, o, tenant: string) => {
      const created = await client.apiKeys.create(tenant, {
        name: o.name as string,
        role: o.role as 'machine',
        scopes: o.scopes as string[] | undefined,
        expires_at: o.expiresAt as string | undefined,
      });
      if (o.json) {
        printJson(created);
      } else {
        print(`key ${created.id} for ${created.tenant_id} (${created.role}); store it now, it is not shown again:`);
        print(created.key);
      }
    }),
  );
  connected(
    keys.command('list').description("list a tenant's keys (never the keys themselves)").argument('<tenant>'),
  ).action(
    action(async (client, o, tenant: string) =>
      printList(await client.apiKeys.list(tenant), keyColumns, o.json, 'no keys'),
    ),
  );
  connected(
    keys
      .command('revoke')
      .description('revoke a key (at once, on every replica)')
      .argument('<tenant>')
      .argument('<key-id>'),
  ).action(
    action(async (client, o, tenant: string, keyId: string) => {
      await client.apiKeys.revoke(tenant, keyId);
      if (o.json) {
        printJson({ revoked: keyId });
      } else {
        print(`revoked ${keyId}`);
      }
    }),
  );
}

function statsCommand(program: Command): void {
  connected(
    program
      .command('stats')
      .description(
        "a tenant's usage (pins, memories, storage) against its quotas: --tenant, default global (operators)",
      ),
  ).action(
    action(async (client: EngramClient, o) =>
      printUsage(await client.tenants.usage((o.tenant as string) || 'global'), o.json),
    ),
  );
}

export function registerDataCommands(program: Command): void {
  memoryCommands(program);
  namespaceCommands(program);
  contextCommand(program);
  pinCommands(program);
  tenantCommands(program);
  keyCommands(program);
  statsCommand(program);
  program.addHelpText(
    'after',
    `
Data commands talk to a running server: --server or ENGRAM_URL (default http://127.0.0.1:8080,
where \`engram serve\` listens), --token or ENGRAM_TOKEN, --json for scripts.
${EXIT_CODES_HELP}`,
  );
}
