import { Inject, Injectable } from '@nestjs/common';
import {
  counter,
  httpRequestDuration,
  LATENCY_BUCKETS,
  leanHistogram,
  METRICS_REGISTRY,
} from '@velvet/common';
import type { Registry } from 'prom-client';

/**
 * The gateway's counters that only the request path can see. Everything else (snapshot ages,
 * stream backlogs) is read at scrape time by GatewayGauges. Each call here is one increment or
 * one observation: no allocation beyond prom-client's label lookup.
 */
@Injectable()
export class GatewayMetrics {
  readonly http;
  readonly admissions;
  readonly upstreamDuration;
  readonly upstreamErrors;

  constructor(@Inject(METRICS_REGISTRY) registry: Registry) {
    this.http = httpRequestDuration(registry);
    this.admissions = counter(
      registry,
      'velvet_gateway_admissions_total',
      'Chat completion calls by outcome (admitted or refused) and reason (the OpenAI error code)',
      ['outcome', 'reason'] as const,
    );
    this.upstreamDuration = leanHistogram(
      registry,
      'velvet_gateway_upstream_duration_seconds',
      'Upstream call time (to the last streamed event) by upstream kind and outcome',
      ['upstream', 'mode', 'outcome'] as const,
      LATENCY_BUCKETS,
    );
    this.upstreamErrors = counter(
      registry,
      'velvet_gateway_upstream_errors_total',
      'Upstream failures by upstream kind and error code',
      ['upstream', 'code'] as const,
    );
  }

  /** Called from the onResponse hook: one observation per request, and the admission outcome of a chat call. */
  response(
    method: string,
    route: string,
    status: number,
    seconds: number,
    errorCode: string | undefined,
  ): void {
    this.http.observe({ method, route, status: String(status) }, seconds);
    if (route === CHAT_ROUTE) {
      if (status < 400) this.admissions.inc({ outcome: 'admitted', reason: 'ok' });
      else this.admissions.inc({ outcome: 'refused', reason: errorCode ?? `http_${status}` });
    }
  }
}

export const CHAT_ROUTE = '/v1/chat/completions';

/** The error code sendError answered with, kept on the request for the onResponse hook. */
export const ERROR_CODE = Symbol('velvetErrorCode');
export type CodedRequest = { [ERROR_CODE]?: string };
