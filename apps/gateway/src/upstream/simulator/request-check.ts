import type { ChatRequest } from '../../chat/chat-request.schema';
import { UpstreamError } from '../upstream.types';

export interface FunctionTool {
  name: string;
  description?: string;
  parameters?: Record<string, unknown>;
}

/** What the simulator was asked for, once checked: the tools it may call and how to answer. */
export interface SimulatorAsk {
  tools: FunctionTool[];
  /** `none`, `auto`, `required`, or the name of the one function to call. */
  toolChoice: 'none' | 'auto' | 'required' | { name: string };
  format:
    | { type: 'text' }
    | { type: 'json_object' }
    | { type: 'json_schema'; schema: Record<string, unknown> };
}

const refuse = (message: string, code = 'unsupported_parameter'): UpstreamError =>
  new UpstreamError(400, code, message);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parameters the simulator cannot honour: refused rather than silently ignored. */
function assertHonourable(req: ChatRequest): void {
  const modalities = req.modalities;
  if (req.audio != null || (Array.isArray(modalities) && modalities.some((m) => m !== 'text')))
    throw refuse(
      'This model produces text only: `audio` and non-text `modalities` are not supported.',
    );
  if (req.prediction != null)
    throw refuse('`prediction` (predicted outputs) is not supported by this model.');
  if (req.web_search_options != null)
    throw refuse('`web_search_options` is not supported by this model.');
  if (isObject(req.logit_bias) && Object.keys(req.logit_bias).length)
    throw refuse('`logit_bias` is not supported by this model.');
  if (req.top_logprobs != null && req.top_logprobs > 0 && req.logprobs !== true)
    throw refuse('`logprobs` must be true when `top_logprobs` is set.', 'invalid_value');
}

function toolsOf(req: ChatRequest): FunctionTool[] {
  return (req.tools ?? []).map((tool, i) => {
    const fn = tool.function as Record<string, unknown> | undefined;
    if (tool.type !== 'function' || !isObject(fn) || typeof fn.name !== 'string' || !fn.name) {
      throw refuse(
        `\`tools[${i}]\` must be a function tool with a name; this model supports no other tool type.`,
        'invalid_value',
      );
    }
    if (fn.parameters !== undefined && !isObject(fn.parameters))
      throw refuse(
        `\`tools[${i}].function.parameters\` must be a JSON Schema object.`,
        'invalid_value',
      );
    return {
      name: fn.name,
      description: typeof fn.description === 'string' ? fn.description : undefined,
      parameters: fn.parameters as Record<string, unknown> | undefined,
    };
  });
}

function toolChoiceOf(req: ChatRequest, tools: FunctionTool[]): SimulatorAsk['toolChoice'] {
  const choice = req.tool_choice ?? (tools.length ? 'auto' : 'none');
  if (choice === 'none' || choice === 'auto' || choice === 'required') {
    if (choice === 'required' && !tools.length)
      throw refuse('`tool_choice` is `required` but no `tools` are given.', 'invalid_value');
    return choice;
  }
  const name =
    isObject(choice) && choice.type === 'function' && isObject(choice.function)
      ? choice.function.name
      : undefined;
  if (typeof name !== 'string')
    throw refuse(
      '`tool_choice` must be none, auto, required or {"type":"function","function":{"name":...}}.',
      'invalid_value',
    );
  if (!tools.some((t) => t.name === name))
    throw refuse(
      `\`tool_choice\` names the function \`${name}\`, which is not among \`tools\`.`,
      'invalid_value',
    );
  return { name };
}

function formatOf(req: ChatRequest): SimulatorAsk['format'] {
  const rf = req.response_format;
  if (!rf || rf.type === 'text') return { type: 'text' };
  if (rf.type === 'json_object') {
    // As OpenAI: JSON mode needs the conversation to ask for JSON.
    const asked = req.messages.some((m) =>
      JSON.stringify(m.content ?? '')
        .toLowerCase()
        .includes('json'),
    );
    if (!asked)
      throw refuse(
        "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
        'invalid_value',
      );
    return { type: 'json_object' };
  }
  if (rf.type === 'json_schema') {
    const spec = rf.json_schema as Record<string, unknown> | undefined;
    if (!isObject(spec) || typeof spec.name !== 'string')
      throw refuse('`response_format.json_schema.name` is required.', 'invalid_value');
    return {
      type: 'json_schema',
      schema: isObject(spec.schema) ? spec.schema : { type: 'object', properties: {} },
    };
  }
  throw refuse(
    `\`response_format.type\` \`${rf.type}\` is not supported; use text, json_object or json_schema.`,
    'invalid_value',
  );
}

/** Checks a request against what the simulator can do; throws the 400 an OpenAI model would. */
export function checkSimulatorRequest(req: ChatRequest): SimulatorAsk {
  assertHonourable(req);
  const tools = toolsOf(req);
  return { tools, toolChoice: toolChoiceOf(req, tools), format: formatOf(req) };
}
