import { DynamicModule, Global, Module } from '@nestjs/common';
import { EngramConfig } from './config.schema';
import { ConfigService } from './config.service';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: EngramConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: ConfigService, useValue: new ConfigService(Object.freeze({ ...config })) }],
      exports: [ConfigService],
    };
  }
}
