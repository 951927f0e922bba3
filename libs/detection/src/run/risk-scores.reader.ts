import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface RiskScoreView {
  subjectType: 'organization' | 'api_key';
  subjectId: string;
  apiKeyId: string | null;
  windowStart: Date;
  windowEnd: Date;
  calls: number;
  score: number;
  level: string;
  drivers: string[];
  detectors: unknown;
}

/** The recent risk history of one organisation and its keys, newest window first. */
@Injectable()
export class RiskScoresReader {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async latest(organizationId: string, limit: number): Promise<RiskScoreView[]> {
    const rows = await this.db.query(
      `SELECT subject_type, subject_id, api_key_id, window_start, window_end, calls, score, level, drivers, detectors
         FROM detection_risk_scores WHERE organization_id = $1 ORDER BY window_end DESC, subject_type DESC LIMIT $2`,
      [organizationId, limit],
    );
    return rows.map((r: Record<string, unknown>) => ({
      subjectType: r.subject_type,
      subjectId: r.subject_id,
      apiKeyId: r.api_key_id,
      windowStart: r.window_start,
      windowEnd: r.window_end,
      calls: r.calls,
      score: r.score,
      level: r.level,
      drivers: r.drivers,
      detectors: r.detectors,
    })) as RiskScoreView[];
  }
}
