import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { QuotaService } from '@velvet/metering';
import { CallRecorder } from './call-recorder';

/** A started call is looked at only after this long (its owner's heartbeat lapses after 5 s anyway). */
const MIN_AGE_MS = 2000;
const EVERY_MS = 1000;

/**
 * Finishes the calls of gateway processes that died (killed, crashed): a call whose owner's
 * heartbeat is gone is billed and audited from its started record and the text it had delivered
 * (`interrupted`), or finished as `failed` at no charge when it delivered nothing. Every gateway
 * process runs one; the finish script is atomic and checks the owner again, so two reapers (or a
 * reaper and a late owner) finish a call once.
 */
@Injectable()
export class CallReaper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(CallReaper.name);
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly quota: QuotaService,
    private readonly recorder: CallRecorder,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** One pass; returns how many calls it finished. Public for tests. */
  async sweep(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let n = 0;
    try {
      for (const orphan of await this.quota.orphans(MIN_AGE_MS)) {
        const result = await this.quota.finish(
          orphan.admission,
          this.recorder.orphanFinish(orphan),
          orphan.owner,
          'reap',
        );
        if (result === 'finished') {
          n++;
          this.logger.warn(
            `call ${orphan.requestId} of a dead gateway finished from its started record (${orphan.delivered.length} characters delivered)`,
          );
        }
      }
    } catch (error) {
      this.logger.warn(
        `reaping dead gateways' calls failed, retrying: ${(error as Error).message}`,
      );
    } finally {
      this.running = false;
    }
    return n;
  }
}
