import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import {
  CUSTOMER_LIMITS_CHANGED,
  decodeLimitChange,
  limitChangesChannel,
  LimitsService,
} from '@velvet/metering';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';

/**
 * Keeps the gateway's limit-override snapshot current: a throttle set or lifted on the portal is
 * announced with its new values (LimitsService) and applied here in the message handler, before
 * any later call is admitted. Without it the snapshot was only re-read every second, so the first
 * call after a security reviewer's Restore or Lift was still refused with 429.
 */
@Injectable()
export class LimitChangesSubscriber implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LimitChangesSubscriber.name);
  private subscriber: IORedis | null = null;

  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    private readonly limits: LimitsService,
  ) {}

  async onModuleInit(): Promise<void> {
    // a subscribed connection can do nothing else: it gets its own
    const subscriber = this.redis.duplicate({ keyPrefix: undefined, lazyConnect: true });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => {
      // customer limits: few rows, read again (the previous snapshot serves until then)
      if (message === CUSTOMER_LIMITS_CHANGED)
        return void this.limits.refresh().catch(() => undefined);
      const change = decodeLimitChange(message);
      if (change) this.limits.apply(change);
      else this.logger.warn('ignored a malformed limit change');
    });
    // messages sent while disconnected are lost: read everything again once resubscribed
    subscriber.on('ready', () => void this.limits.refresh().catch(() => undefined));
    subscriber.on('error', (error: Error) =>
      this.logger.warn(`limit changes subscriber: ${error.message}`),
    );
    await subscriber.connect();
    await subscriber.subscribe(limitChangesChannel(this.redis.options.keyPrefix ?? ''));
  }

  async onModuleDestroy(): Promise<void> {
    await this.subscriber?.quit().catch(() => undefined);
    this.subscriber = null;
  }
}
