import { Injectable, OnModuleInit } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Principal, TENANT_ID_PATTERN } from '@engram/common';
import { ConfigService, isLoopbackHost } from '@engram/config';
import { API_KEY_PATTERN, ApiKeysService, CROSS_TENANT_ROLES, ROLES } from '@engram/tenants';
import { AuthenticationError } from './auth.errors';
import { JWT_SHAPE, Secret, bearerToken, repeatedCredentialHeader, singleHeader } from './secrets';

type Jose = typeof import('jose');

const OPEN_PRINCIPAL: Principal = {
  kind: 'anonymous',
  role: 'admin',
  tenantId: null,
  actor: 'local',
};

/**
 * Turns a request's credentials into a Principal, or a 401 with a precise code:
 * - `X-Machine-Token` = MACHINE_SECRET_TOKEN → role machine, acting on the tenant each request names;
 * - `X-API-Key: eng_…`, `X-Engram-Key: eng_…` or `Authorization: Bearer eng_…` → the key's role, bound to its tenant;
 * - `Authorization: Bearer <JWT>` (HS256, JWT_SECRET) → claims role, tenant_id, sub;
 * - `Authorization: Bearer <ENGRAM_ADMIN_TOKEN>` → role admin.
 * Open local mode: with none of those configured, no API key ever created and a loopback HOST,
 * a request without credentials is an admin (`npm start` on an empty machine answers).
 * Credentials that are sent are always checked, in open mode too.
 */
@Injectable()
export class CredentialsService implements OnModuleInit {
  private readonly adminToken: Secret | undefined;
  private readonly machineToken: Secret | undefined;
  private readonly jwtSecret: Uint8Array | undefined;
  private readonly openModeAllowed: boolean;
  private jose: Jose | undefined;

  constructor(
    private readonly keys: ApiKeysService,
    config: ConfigService,
  ) {
    const adminToken = config.get('ENGRAM_ADMIN_TOKEN');
    const machineToken = config.get('MACHINE_SECRET_TOKEN');
    this.adminToken = adminToken === undefined ? undefined : new Secret(adminToken);
    this.machineToken = machineToken === undefined ? undefined : new Secret(machineToken);
    const jwtSecret = config.get('JWT_SECRET');
    this.jwtSecret = jwtSecret === undefined ? undefined : new TextEncoder().encode(jwtSecret);
    this.openModeAllowed =
      isLoopbackHost(config.get('HOST')) && !this.adminToken && !this.machineToken && this.jwtSecret === undefined;
  }

  async onModuleInit(): Promise<void> {
    if (this.jwtSecret !== undefined) {
      // The library is an ES module; this file is compiled to CommonJS.
      this.jose = await import('jose');
    }
  }

  async authenticate(request: FastifyRequest): Promise<Principal> {
    // A repeated credential header is ambiguous (which copy is meant?): refuse it rather than
    // pick one, so a valid copy can never vouch for an invalid one.
    const repeated = repeatedCredentialHeader(request.raw.rawHeaders);
    if (repeated !== undefined) {
      throw new AuthenticationError('malformed', `The ${repeated} header must be sent once`);
    }
    const headers = request.headers;
    const machine = singleHeader(headers['x-machine-token']);
    if (machine !== undefined) {
      return this.fromMachineToken(machine);
    }
    // X-Engram-Key is X-API-Key under the name OpenAI-compatible clients send beside their own
    // upstream key in Authorization (the proxy, docs/proxy.md); both at once is ambiguous.
    const apiKey = singleHeader(headers['x-api-key']);
    const engramKey = singleHeader(headers['x-engram-key']);
    if (apiKey !== undefined && engramKey !== undefined) {
      throw new AuthenticationError('malformed', 'Send the API key in one header: X-API-Key or X-Engram-Key');
    }
    if (apiKey !== undefined || engramKey !== undefined) {
      return this.fromApiKey(apiKey ?? engramKey ?? null);
    }
    const bearer = bearerToken(headers.authorization);
    if (bearer === null) {
      throw new AuthenticationError('malformed', 'The Authorization header must be "Bearer <credential>"');
    }
    if (bearer !== undefined) {
      return this.fromBearer(bearer);
    }
    if (this.openModeAllowed && !(await this.keys.keyEverCreated())) {
      return OPEN_PRINCIPAL;
    }
    throw new AuthenticationError('missing', 'Send an API key (X-API-Key or Authorization: Bearer), a JWT or a token');
  }

  private fromMachineToken(token: string | null): Principal {
    if (token === null || token.length === 0) {
      throw new AuthenticationError('malformed', 'X-Machine-Token must be sent once, non-empty');
    }
    if (this.machineToken === undefined || !this.machineToken.matches(token)) {
      throw new AuthenticationError('unknown', 'The machine token is not valid');
    }
    return {
      kind: 'machine_token',
      role: 'machine',
      tenantId: null,
      actor: 'machine',
    };
  }

  private async fromApiKey(raw: string | null): Promise<Principal> {
    if (raw === null || !API_KEY_PATTERN.test(raw)) {
      throw new AuthenticationError('malformed', 'An API key is "eng_" followed by 64 hex digits');
    }
    const result = await this.keys.check(raw);
    switch (result.status) {
      case 'ok': {
        const { key } = result;
        return {
          kind: 'api_key',
          role: key.role,
          tenantId: CROSS_TENANT_ROLES.includes(key.role) ? null : key.tenantId,
          actor: `key:${key.id}`,
          keyId: key.id,
          ...(key.scopes ? { scopes: key.scopes } : {}),
          ...(key.boundUserId !== null ? { boundUserId: key.boundUserId } : {}),
          ...(key.boundAgentId !== null ? { boundAgentId: key.boundAgentId } : {}),
        };
      }
      case 'unknown':
        throw new AuthenticationError('unknown', 'The API key is not known');
      case 'revoked':
        throw new AuthenticationError('revoked', 'The API key was revoked');
      case 'expired':
        throw new AuthenticationError('expired', 'The API key has expired');
    }
  }

  private async fromBearer(token: string): Promise<Principal> {
    if (token.startsWith('eng_')) {
      return this.fromApiKey(token);
    }
    if (JWT_SHAPE.test(token) && this.jwtSecret !== undefined) {
      return this.fromJwt(token);
    }
    if (this.adminToken !== undefined && this.adminToken.matches(token)) {
      return {
        kind: 'admin_token',
        role: 'admin',
        tenantId: null,
        actor: 'admin',
      };
    }
    throw new AuthenticationError('unknown', 'The credentials are not valid');
  }

  private async fromJwt(token: string): Promise<Principal> {
    const jose = this.jose!;
    let payload: import('jose').JWTPayload;
    try {
      ({ payload } = await jose.jwtVerify(token, this.jwtSecret!, {
        algorithms: ['HS256'],
      }));
    } catch (error) {
      if (error instanceof jose.errors.JWTExpired) {
        throw new AuthenticationError('expired', 'The JWT has expired');
      }
      if (error instanceof jose.errors.JWSSignatureVerificationFailed) {
        throw new AuthenticationError('unknown', 'The JWT signature is not valid');
      }
      throw new AuthenticationError('malformed', 'The JWT could not be read or its claims are not valid');
    }
    const { sub, role, tenant_id: tenantId } = payload as { sub?: unknown; role?: unknown; tenant_id?: unknown };
    if (
      typeof sub !== 'string' ||
      sub.length === 0 ||
      typeof role !== 'string' ||
      !(ROLES as readonly string[]).includes(role)
    ) {
      throw new AuthenticationError('malformed', 'The JWT needs claims sub and role (one of the known roles)');
    }
    const crossTenant = CROSS_TENANT_ROLES.includes(role);
    if (!crossTenant && (typeof tenantId !== 'string' || !TENANT_ID_PATTERN.test(tenantId))) {
      throw new AuthenticationError('malformed', 'The JWT needs a tenant_id claim for this role');
    }
    return {
      kind: 'jwt',
      role,
      tenantId: crossTenant ? null : (tenantId as string),
      actor: `jwt:${sub.slice(0, 128)}`,
    };
  }
}
