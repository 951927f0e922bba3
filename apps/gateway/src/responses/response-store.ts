import { Inject, Injectable } from '@nestjs/common';
import { REDIS } from '@velvet/queue';
import type IORedis from 'ioredis';
import type { GatewayEnv } from '../env';
import { GATEWAY_ENV } from '../gateway.tokens';
import type { ChatMessage, ReferenceLimits } from './responses-request';
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
  /** What `item_reference`s may add to one request (inputToMessages' third argument): the body limit. */
  readonly referenceLimits: ReferenceLimits;
  /** Reads of stored responses in flight for `item`, by key: concurrent lookups share one GET and parse. */
  private readonly reading = new Map<string, Promise<StoredResponse | null>>();

  constructor(
    @Inject(REDIS) private readonly redis: IORedis,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
  ) {
    this.prefix = `${env.QUEUE_PREFIX}:gw:resp`;
    this.referenceLimits = { maxResolvedBytes: env.GATEWAY_BODY_LIMIT_BYTES };
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
    const key = this.key(organizationId, id);
    // A lookup starting after the delete must not join a read that began before it.
    this.reading.delete(key);
    return (await this.redis.del(key)) === 1;
  }

  /**
   * An output item of a stored response, by its id (`item_reference`). Lookups of items of one
   * response made together (a request referencing several, or one many times: inputToMessages
   * asks for each id once, and for the ids of one response at once) read and parse it once. The
   * items returned are shared between those lookups: read them, do not change them.
   */
  async item(organizationId: string, itemId: string): Promise<Json | null> {
    const hex = responseIdOfItem(itemId);
    if (!hex) return null;
    const key = this.key(organizationId, `resp_${hex}`);
    let reading = this.reading.get(key);
    if (!reading) {
      const mine = this.redis
        .get(key)
        .then((raw) => (raw ? (JSON.parse(raw) as StoredResponse) : null))
        .finally(() => {
          if (this.reading.get(key) === mine) this.reading.delete(key);
        });
      this.reading.set(key, mine);
      reading = mine;
    }
    const stored = await reading;
    return (
      ((stored?.response.output as Json[] | undefined) ?? []).find((i) => i.id === itemId) ?? null
    );
  }
}
