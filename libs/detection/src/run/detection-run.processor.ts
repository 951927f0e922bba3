import { Processor, WorkerHost } from '@nestjs/bullmq';
import { QueueName } from '@velvet/queue';
import type { Job } from 'bullmq';
import { DetectionRunService, type DetectionRunSummary } from './detection-run.service';
import type { DetectionRunPayload } from './detection.jobs';

/**
 * Runs in the detection worker (its own process). One run at a time: serialising runs keeps case
 * refreshes in window order and bounds detection to one core.
 */
@Processor(QueueName.Detection, { concurrency: 1 })
export class DetectionRunProcessor extends WorkerHost {
  constructor(private readonly runs: DetectionRunService) {
    super();
  }

  process(job: Job<DetectionRunPayload>): Promise<DetectionRunSummary> {
    return this.runs.run(job.data.asOf ? new Date(job.data.asOf) : new Date());
  }
}
