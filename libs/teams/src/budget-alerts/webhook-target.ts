import type { Agent } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';

/**
 * Where a budget-alert webhook may be delivered. An org admin chooses the URL, so without a check the
 * portal would POST wherever they point it: loopback, the private network, link-local cloud metadata
 * (169.254.169.254, fd00:ec2::254). `request-filtering-agent` checks the address each connection is
 * actually made to, after DNS resolution, so a name that resolves (or is re-pointed) to a private
 * address is refused at delivery, not only at configuration. `allowPrivate` lifts this for tests and
 * development (BUDGET_ALERT_WEBHOOK_ALLOW_PRIVATE, refused in production by the env schemas).
 */
export class WebhookTargets {
  private readonly agents: { http: Agent; https: Agent };

  constructor(private readonly allowPrivate: boolean) {
    const filter = { allowPrivateIPAddress: allowPrivate, allowMetaIPAddress: allowPrivate };
    this.agents = {
      http: new RequestFilteringHttpAgent(filter),
      https: new RequestFilteringHttpsAgent(filter),
    };
  }

  /**
   * Configuration-time check of what the URL says by itself (an address literal, `localhost`): a
   * clear answer to the admin. The real check is at delivery, on the resolved address.
   */
  isRefusedHost(url: URL): boolean {
    if (this.allowPrivate) return false;
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
    if (host === 'localhost' || host.endsWith('.localhost')) return true;
    return isIP(host) !== 0 && ipaddr.process(host).range() !== 'unicast';
  }

  /** POSTs `body`; resolves with the status code. Redirects are not followed. */
  post(url: URL, headers: Record<string, string>, body: string, timeoutMs: number) {
    const https = url.protocol === 'https:';
    return new Promise<number>((resolve, reject) => {
      try {
        const req = (https ? httpsRequest : httpRequest)(
          url,
          {
            method: 'POST',
            agent: https ? this.agents.https : this.agents.http,
            headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
            timeout: timeoutMs,
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        req.on('error', reject);
        req.end(body);
      } catch (e) {
        // an address literal refused by the agent throws before the request exists
        reject(e as Error);
      }
    });
  }
}

export const WEBHOOK_TARGETS = Symbol('WEBHOOK_TARGETS');
