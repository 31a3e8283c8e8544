import { Module } from '@nestjs/common';
import { TenantsModule } from '@engram/tenants';
import { PinsController } from './pins.controller';
import { PinExpiryHandler } from './pins.jobs';
import { PinsRepository } from './pins.repository';
import { PinsService } from './pins.service';

@Module({
  imports: [TenantsModule],
  controllers: [PinsController],
  providers: [PinsRepository, PinsService, PinExpiryHandler],
  exports: [PinsService],
})
export class PinsModule {}
