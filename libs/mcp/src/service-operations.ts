import { Injectable } from '@nestjs/common';
import { authorizeOrThrow, resolveTenant } from '@engram/auth';
import { Authorizer, requestContext } from '@engram/common';
import { ContextService } from '@engram/context';
import { MemoriesService, NamespacesService } from '@engram/memories';
import { PinsService } from '@engram/pins';
import { SearchService } from '@engram/search';
import { EngramOperations, OPERATION_ROUTES, OperationName } from './engram-operations';

/**
 * The operations on this process's services, exactly as the REST controllers call them: the
 * route's permission through the Authorizer (audited and counted like a route's decision), then
 * the tenant from resolveTenant (the credential's binding, the tenant's status), then one service
 * call. Runs inside an authenticated request context: the /mcp request's, set by the auth guard,
 * or the embedded stdio server's.
 */
@Injectable()
export class ServiceOperations {
  constructor(
    private readonly authorizer: Authorizer,
    private readonly memories: MemoriesService,
    private readonly namespaces: NamespacesService,
    private readonly searches: SearchService,
    private readonly contexts: ContextService,
    private readonly pins: PinsService,
  ) {}

  /** `tenant` is the tenant the connection names (undefined: the credential's own, or global). */
  forTenant(tenant: string | undefined): EngramOperations {
    const run = async <T>(operation: OperationName, work: (tenantId: string) => Promise<T>): Promise<T> => {
      const principal = requestContext.current()?.principal;
      if (!principal) {
        throw new Error('an MCP operation needs an authenticated request');
      }
      authorizeOrThrow(this.authorizer, principal, OPERATION_ROUTES[operation].permission);
      return work(await resolveTenant(tenant));
    };
    return {
      createMemory: (input) => run('createMemory', (t) => this.memories.create(t, input)),
      getMemory: (id) => run('getMemory', (t) => this.memories.get(t, id)),
      listMemories: (query) => run('listMemories', (t) => this.memories.list(t, query)),
      updateMemory: (id, input) => run('updateMemory', (t) => this.memories.update(t, id, input)),
      deleteMemory: (id) => run('deleteMemory', (t) => this.memories.delete(t, id)),
      supersedeMemory: (id, input) => run('supersedeMemory', (t) => this.memories.supersede(t, id, input, 'api')),
      memoryHistory: (id) => run('memoryHistory', (t) => this.memories.history(t, id)),
      addRelations: (id, relations) => run('addRelations', (t) => this.memories.addRelations(t, id, relations)),
      search: (input) => run('search', (t) => this.searches.search(t, input)),
      context: (input) => run('context', (t) => this.contexts.assemble(t, input)),
      listNamespaces: () => run('listNamespaces', (t) => this.namespaces.list(t)),
      getNamespace: (name) => run('getNamespace', (t) => this.namespaces.get(t, name)),
      getPin: (key) => run('getPin', (t) => this.pins.get(t, key)),
      upsertPin: (input) => run('upsertPin', (t) => this.pins.upsert(t, input)),
      listPins: (query) => run('listPins', (t) => this.pins.list(t, query)),
    };
  }
}
