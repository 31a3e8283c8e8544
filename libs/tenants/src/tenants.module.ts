import { Module } from '@nestjs/common';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysRepository } from './api-keys.repository';
import { ApiKeysService } from './api-keys.service';
import { InvalidationBus } from './invalidation.bus';
import { QuotaMetrics } from './quota-metrics';
import { QuotaService } from './quota.service';
import { TenantsController } from './tenants.controller';
import { TenantEraser } from './tenant-eraser';
import { TenantEraseHandler, TenantEraseSweepHandler } from './tenants.jobs';
import { TenantsRepository } from './tenants.repository';
import { TenantsService } from './tenants.service';

@Module({
  controllers: [TenantsController, ApiKeysController],
  providers: [
    InvalidationBus,
    TenantsRepository,
    TenantsService,
    ApiKeysRepository,
    ApiKeysService,
    QuotaService,
    QuotaMetrics,
    TenantEraser,
    TenantEraseHandler,
    TenantEraseSweepHandler,
  ],
  exports: [TenantsService, ApiKeysService, QuotaService],
})
export class TenantsModule {}
