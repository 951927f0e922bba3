import { Module } from '@nestjs/common';
import { SpendController } from './spend.controller';
import { SpendHistoryService } from './spend-history.service';

/** Spend over time for the web portal's charts (read-only, from usage_records). */
@Module({ controllers: [SpendController], providers: [SpendHistoryService] })
export class SpendModule {}
