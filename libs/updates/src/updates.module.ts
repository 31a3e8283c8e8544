import { Module } from '@nestjs/common';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { MemoriesModule } from '@engram/memories';
import { PinsModule } from '@engram/pins';
import { reloadBroadcast } from '@engram/reload';
import { PostUpdateHandler } from './post-update.job';
import { PostUpdateService } from './post-update.service';
import { RunsController } from './runs.controller';
import { RunsRepository } from './runs.repository';
import { RunsService } from './runs.service';
import { RULES_BROADCAST } from './update-rules.constants';
import { UpdateRulesService } from './update-rules.service';

/** Workflow runs and the post-run update rules applied to them (docs/post-run-updates.md). */
@Module({
  imports: [PinsModule, MemoriesModule],
  controllers: [RunsController],
  providers: [
    RunsRepository,
    RunsService,
    UpdateRulesService,
    PostUpdateService,
    PostUpdateHandler,
    {
      provide: RULES_BROADCAST,
      inject: [ConfigService, Database],
      useFactory: (config: ConfigService, db: Database) =>
        reloadBroadcast(config.get('REDIS_URL'), config.get('QUEUE_PREFIX'), db, 'update_rules'),
    },
  ],
  exports: [RunsService, PostUpdateService, UpdateRulesService],
})
export class UpdatesModule {}
