import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors, ApiJsonResponse, ApiQueryFrom, RequirePermission, parseOrThrow } from '@engram/common';
import { resolveTenant } from '@engram/auth';
import {
  PolicyInfo,
  PolicyMatrix,
  RbacAuditPage,
  ReloadResult,
  auditQuerySchema,
  policyInfoSchema,
  policyMatrixSchema,
  rbacAuditPageSchema,
  reloadResultSchema,
} from './rbac.dto';
import { ACTIONS, RESOURCES, ROLES } from './rbac.constants';
import { RbacAuditQueryService } from './rbac-audit.query';
import { RbacService } from './rbac.service';

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
  @ApiJsonResponse(200, policyInfoSchema, 'the loaded policy')
  info(): PolicyInfo {
    return this.rbac.info();
  }

  @Get('matrix')
  @RequirePermission('policy', 'read')
  @ApiOperation({ summary: 'What each role may do: role → resource → actions, inheritance applied' })
  @ApiJsonResponse(200, policyMatrixSchema, 'the matrix')
  matrix(): PolicyMatrix {
    const { version, hash } = this.rbac.info();
    return {
      version,
      hash,
      roles: [...ROLES],
      resources: [...RESOURCES],
      actions: [...ACTIONS],
      matrix: this.rbac.matrix(),
    };
  }

  @Post('reload')
  @HttpCode(200)
  @RequirePermission('policy', 'reload')
  @ApiOperation({ summary: 'Reload the policy file now and announce it to every replica' })
  @ApiJsonResponse(200, reloadResultSchema, 'loaded (or unchanged) and announced')
  @ApiErrors({ 422: 'policy_invalid: the file was not loaded; details.issues say why' })
  reload(): Promise<ReloadResult> {
    return this.rbac.reload();
  }

  @Get('audit')
  @RequirePermission('policy', 'admin')
  @ApiOperation({ summary: 'Audited RBAC decisions of one tenant, newest first, with filters and cursor pages' })
  @ApiQueryFrom(auditQuerySchema)
  @ApiJsonResponse(200, rbacAuditPageSchema, 'a page of decisions')
  @ApiErrors({ 400: 'invalid_<field>, invalid_cursor' })
  async audit(@Query() query: unknown): Promise<RbacAuditPage> {
    const parsed = parseOrThrow(auditQuerySchema, query, 'query');
    return this.auditTrail.list(await resolveTenant(parsed.tenant_id), parsed);
  }
}
