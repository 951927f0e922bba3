import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { DomainErrorKind, DomainException } from '@velvet/common';
import { QueueName } from '@velvet/queue';
import type { Queue } from 'bullmq';
import {
  DETECTION_JOB_OPTIONS,
  DETECTION_RUN_JOB,
  type DetectionRunPayload,
} from './detection.jobs';
import type { DetectionRunSummary } from './detection-run.service';

/** On-demand detection runs; the same window asked for twice is one job. */
@Injectable()
export class DetectionScheduler {
  constructor(
    @InjectQueue(QueueName.Detection) private readonly queue: Queue<DetectionRunPayload>,
  ) {}

  async requestRun(
    asOf: Date | null,
    requestedBy: string | null,
  ): Promise<{ jobId: string; asOf: string | null }> {
    if (asOf && Number.isNaN(asOf.getTime())) {
      throw new DomainException(
        DomainErrorKind.Invalid,
        'detection_bad_as_of',
        'asOf is not a valid time',
      );
    }
    const iso = asOf?.toISOString() ?? null;
    const job = await this.queue.add(
      DETECTION_RUN_JOB,
      { asOf: iso ?? undefined, requestedBy },
      { ...DETECTION_JOB_OPTIONS, jobId: iso ? `run-${iso.replace(/[:.]/g, '-')}` : undefined },
    );
    return { jobId: String(job.id), asOf: iso };
  }

  async status(jobId: string): Promise<{
    jobId: string;
    state: string;
    result: DetectionRunSummary | null;
    failedReason: string | null;
  } | null> {
    // The state first, then the job: read the other way round, a run that completes in between
    // was reported 'completed' with the result its job did not have yet when it was read.
    const state = await this.queue.getJobState(jobId);
    const job = await this.queue.getJob(jobId);
    if (!job) return null;
    return {
      jobId,
      state,
      result: (job.returnvalue as DetectionRunSummary | undefined) ?? null,
      failedReason: job.failedReason ?? null,
    };
  }
}
