import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ApiQueryFrom, RequirePermission, parseOrThrow } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import { RbacAuditPage, auditQuerySchema } from './rbac.dto';
import { ACTIONS, RESOURCES, ROLES } from './rbac.constants';
import { Matrix } from './rbac-policy';
import { RbacAuditQueryService } from './rbac-audit.query';
import { PolicyInfo, RbacService, ReloadResult } from './rbac.service';

@ApiTags('rbac')
@Controller('api/v1/rbac')
export class RbacController {
  constructor(
    private readonly rbac: RbacService,
    private readonly auditTrail: RbacAuditQueryService,
  ) {}

  @Get('info')
  @RequirePermission('policy', 'read')
  @ApiOperation({ summary: 'The loaded policy: version, hash, enforce mode, load time, rule count' })
  info(): PolicyInfo {
    return this.rbac.info();
  }

  @Get('matrix')
  @RequirePermission('policy', 'read')
  @ApiOperation({ summary: 'What each role may do: role → resource → actions, inheritance applied' })
  matrix(): {
    version: string;
    hash: string;
    roles: readonly string[];
    resources: readonly string[];
    actions: readonly string[];
    matrix: Matrix;
  } {
    const { version, hash } = this.rbac.info();
    return { version, hash, roles: ROLES, resources: RESOURCES, actions: ACTIONS, matrix: this.rbac.matrix() };
  }

  @Post('reload')
  @HttpCode(200)
  @RequirePermission('policy', 'reload')
  @ApiOperation({ summary: 'Reload the policy file now and announce it to every replica' })
  @ApiResponse({ status: 422, description: 'policy_invalid: the file was not loaded; details.issues say why' })
  reload(): Promise<ReloadResult> {
    return this.rbac.reload();
  }

  @Get('audit')
  @RequirePermission('policy', 'admin')
  @ApiOperation({ summary: 'Audited RBAC decisions of one tenant, newest first, with filters and cursor pages' })
  @ApiQueryFrom(auditQuerySchema)
  async audit(@Query() query: unknown): Promise<RbacAuditPage> {
    const parsed = parseOrThrow(auditQuerySchema, query, 'query');
    return this.auditTrail.list(await resolveTenant(parsed.tenant_id), parsed);
  }
}
