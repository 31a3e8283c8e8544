import { Injectable } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { JobHandler, JobHandlerInstance, defineJob } from '@engram/jobs';
import { PinsService } from './pins.service';

declare module '@engram/jobs' {
  interface JobPayloads {
    'pins.expire': Record<string, never>;
  }
}

defineJob('pins.expire', { attempts: 3, backoffMs: 2000 });

/** Deletes expired pins on a schedule; batches with SKIP LOCKED make parallel workers safe. */
@Injectable()
@JobHandler('pins.expire')
export class PinExpiryHandler implements JobHandlerInstance<'pins.expire'> {
  constructor(
    private readonly pins: PinsService,
    private readonly config: ConfigService,
  ) {}

  repeatEveryMs(): number {
    return this.config.get('PIN_EXPIRY_INTERVAL_SECONDS') * 1000;
  }

  async handle(): Promise<void> {
    await this.pins.cleanup(null, false, 'expire');
  }
}
