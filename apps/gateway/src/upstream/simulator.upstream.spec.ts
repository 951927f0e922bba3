import type { Model } from '@velvet/catalog';
import type { ChatRequest } from '../chat/chat-request.schema';
import { SimulatorUpstream } from './simulator.upstream';
import { Cancellation, type StreamEvent, type UpstreamRequest } from './upstream.types';

const call = (prompt: string, maxTokens = 4096, extra: Partial<ChatRequest> = {}): UpstreamRequest => ({
  model: { slug: 'sim' } as Model,
  req: { model: 'sim', messages: [{ role: 'user', content: prompt }], ...extra } as ChatRequest,
  completionId: 'chatcmpl-x',
  promptText: `user: ${prompt}\n`,
  promptTokens: 7,
  maxTokens,
  cancellation: new Cancellation(),
});

async function collect(events: AsyncIterable<StreamEvent>) {
  let text = '';
  let usage;
  for await (const e of events) {
    if (e.kind === 'usage') usage = e.usage;
    else text += e.text;
  }
  return { text, usage };
}

describe('SimulatorUpstream', () => {
  const sim = new SimulatorUpstream();

  it('answers the same prompt the same way, and different prompts differently', async () => {
    const a = await sim.complete(call('hello'));
    expect((await sim.complete(call('hello'))).text).toBe(a.text);
    expect((await sim.complete(call('something else entirely'))).text).not.toBe(a.text);
    expect(a.outputTokens).toBe(a.text.split(' ').length);
    expect(a.inputTokens).toBe(7);
  });

  it('streams exactly the text and token count of the plain answer', async () => {
    const plain = await sim.complete(call('stream me'));
    const streamed = await collect(sim.stream(call('stream me')));
    expect(streamed.text).toBe(plain.text);
    expect(streamed.usage).toEqual({ inputTokens: 7, outputTokens: plain.outputTokens });
  });

  it('stops at max_tokens with finish_reason length', async () => {
    const cut = await sim.complete(call('hello', 3));
    expect(cut.outputTokens).toBe(3);
    expect(cut.finishReason).toBe('length');
  });

  it('produces n choices and counts all their tokens', async () => {
    const two = await sim.complete(call('hello', 4096, { n: 2 }));
    const choices = two.body.choices as unknown[];
    expect(choices).toHaveLength(2);
    expect(two.outputTokens).toBe(two.text.split(/\s+/).length);
  });
});
