import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import type { ChatMessage } from './responses-request';
import { responseIdOfItem } from './response-shape';

type Json = Record<string, unknown>;

/** A stored response: the object as sent, and the whole conversation up to it as chat messages. */
export interface StoredResponse {
  response: Json;
  messages: ChatMessage[];
}

/** As long as OpenAI keeps stored responses. */
const TTL_SECONDS = 30 * 24 * 3600;

/**
 * Responses created with `store` (the default) are kept in Redis for 30 days under their
 * organisation: `previous_response_id`, `item_reference`, `GET` and `DELETE /v1/responses/{id}`
 * find them only with a key of the same organisation. `store: false` responses are never written.
 */
@Injectable()
export class ResponseStore {
  private readonly prefix: string;

  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
  ) {
    this.prefix = `${env.QUEUE_PREFIX}:gw:resp`;
  }

  private key(organizationId: string, id: string): string {
    return `${this.prefix}:${organizationId}:${id}`;
  }

  async save(organizationId: string, stored: StoredResponse): Promise<void> {
    await this.redis.set(
      this.key(organizationId, String(stored.response.id)),
      JSON.stringify(stored),
      'EX',
      TTL_SECONDS,
    );
  }

  async get(organizationId: string, id: string): Promise<StoredResponse | null> {
    if (!/^resp_[0-9a-f]{32}$/.test(id)) return null;
    const raw = await this.redis.get(this.key(organizationId, id));
    return raw ? (JSON.parse(raw) as StoredResponse) : null;
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    if (!/^resp_[0-9a-f]{32}$/.test(id)) return false;
    return (await this.redis.del(this.key(organizationId, id))) === 1;
  }

  /** An output item of a stored response, by its id (`item_reference`). */
  async item(organizationId: string, itemId: string): Promise<Json | null> {
    const hex = responseIdOfItem(itemId);
    if (!hex) return null;
    const stored = await this.get(organizationId, `resp_${hex}`);
    return (
      ((stored?.response.output as Json[] | undefined) ?? []).find((i) => i.id === itemId) ?? null
    );
  }
}
