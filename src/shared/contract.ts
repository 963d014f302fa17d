import { z } from 'zod';
import { engineInfoSchema, healthSchema, imageSourceSchema, inspectResultSchema } from './schemas';

/** A channel is declared here once; IPC, HTTP, preload and clients all derive from it. */
interface ChannelDef<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
  /** Shown in generated API docs. */
  summary: string;
}

function channel<I extends z.ZodType, O extends z.ZodType>(def: ChannelDef<I, O>): ChannelDef<I, O> {
  return def;
}

const empty = z.object({}).strict();

export const contract = {
  'app.health': channel({
    input: empty,
    output: healthSchema,
    summary: 'Liveness and version of the core.',
  }),
  'engine.info': channel({
    input: empty,
    output: engineInfoSchema,
    summary: 'Inference backend in use, models with load times, library versions.',
  }),
  'image.inspect': channel({
    input: z.object({ source: imageSourceSchema }).strict(),
    output: inspectResultSchema,
    summary: 'Decode one photo and find its faces with boxes, scores, landmarks and descriptors.',
  }),
} as const;

export type Contract = typeof contract;
export type ChannelName = keyof Contract;
export type ChannelInput<C extends ChannelName> = z.input<Contract[C]['input']>;
export type ChannelOutput<C extends ChannelName> = z.output<Contract[C]['output']>;

export const CHANNEL_NAMES = Object.keys(contract) as ChannelName[];

export function isChannelName(name: string): name is ChannelName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** What a shell implements: one async handler per channel, given validated input. */
export type Handlers = {
  [C in ChannelName]: (input: z.output<Contract[C]['input']>) => Promise<ChannelOutput<C>>;
};
