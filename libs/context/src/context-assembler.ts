// The package root is the o200k_base encoding (this project's module resolution cannot type subpaths).
import { countTokens } from 'gpt-tokenizer';
import type { AssembledContext, ContextBlock } from './context.dto';
import {
  CONTEXT_RENDERERS,
  ContextFormat,
  ContextRenderer,
  FrameDefaults,
  RenderedMemory,
  RenderedPin,
  mostCommon,
} from './context-render';

export const ZONES = ['critical', 'middle', 'recency'] as const;
export type Zone = (typeof ZONES)[number];

/** Each zone's nominal share of the budget left after the system prompt and the frame. */
export const ZONE_SHARES: Record<Zone, number> = { critical: 0.15, middle: 0.65, recency: 0.2 };
export const CRITICAL_MIN_SCORE = 0.7;
export const RECENT_MIN_SCORE = 0.3;
const RECENT_WINDOW_MS = 24 * 3_600_000;

export interface ContextMemory {
  id: string;
  content: string;
  score: number;
  type: string;
  source: string | null;
  created_at: string;
  /** Set only when superseded memories were asked for: the text then marks them "(superseded)". */
  state?: 'active' | 'superseded';
  superseded_by?: string | null;
  supersedes?: string | null;
}

export interface ContextPin {
  key: string;
  value: unknown;
  source: string | null;
}

export class SystemPromptTooLongError extends Error {
  constructor(
    readonly tokens: number,
    readonly budget: number,
  ) {
    super(`system_prompt is ${tokens} tokens; the budget is ${budget}`);
  }
}

/** Tokens as counted for the response (o200k_base, the encoding of current OpenAI models). */
export function tokenCount(text: string): number {
  return countTokens(text);
}

interface Entry {
  zone: Zone;
  memory?: ContextMemory;
  pin?: ContextPin;
  content: string;
  score: number;
  /** An upper bound of the entry's own tokens wherever it lands (widest ref, not first in its zone). */
  tokens: number;
  createdAt: number;
}

function pinContent(pin: ContextPin): string {
  return JSON.stringify(pin.value) ?? 'null';
}

function renderedMemory(memory: ContextMemory, ref: number): RenderedMemory {
  const content = memory.state === 'superseded' ? `(superseded) ${memory.content}` : memory.content;
  return { ref, content, type: memory.type, source: memory.source, created_at: memory.created_at };
}

function renderedPin(pin: ContextPin): RenderedPin {
  return { key: pin.key, value: pin.value, content: pinContent(pin) };
}

function zoneOf(memory: ContextMemory, now: number): Zone {
  if (memory.score >= CRITICAL_MIN_SCORE) {
    return 'critical';
  }
  if (
    memory.type === 'working' ||
    (now - Date.parse(memory.created_at) < RECENT_WINDOW_MS && memory.score >= RECENT_MIN_SCORE)
  ) {
    return 'recency';
  }
  return 'middle';
}

/**
 * Packs pins and ranked memories into `budget` tokens: critical entries first, supporting ones
 * in the middle, recent ones last (models attend best to the start and end of a context). Each
 * zone first fills its own share; what a zone leaves unused then goes to the others, critical
 * first. The returned text is counted as a whole at the end and trimmed if needed, so
 * tokens_used is exactly countTokens(text) and never exceeds the budget.
 */
export function assembleContext(input: {
  budget: number;
  systemPrompt?: string;
  pins: ContextPin[];
  memories: ContextMemory[];
  now: number;
  format?: ContextFormat;
}): AssembledContext {
  const renderer = CONTEXT_RENDERERS[input.format ?? 'xml'];
  const prefix = input.systemPrompt ? `${input.systemPrompt}\n\n` : '';
  const prefixTokens = prefix ? tokenCount(prefix) : 0;
  if (prefixTokens > input.budget) {
    throw new SystemPromptTooLongError(prefixTokens, input.budget);
  }
  const defaults: FrameDefaults = {
    type: mostCommon(
      input.memories.map((memory) => memory.type),
      'semantic',
    ),
    source: mostCommon(
      input.memories.map((memory) => memory.source),
      null,
    ),
  };
  // The frame and every zone's delimiters are reserved up front, used or not.
  const frameTokens =
    tokenCount(renderer.open(defaults) + renderer.close) +
    ZONES.reduce((sum, zone) => sum + tokenCount(renderer.zoneOpen(zone) + renderer.zoneClose(zone)), 0);
  const available = Math.max(0, input.budget - prefixTokens - frameTokens);
  const shares = Object.fromEntries(ZONES.map((zone) => [zone, Math.floor(available * ZONE_SHARES[zone])])) as Record<
    Zone,
    number
  >;

  const widestRef = Math.max(1, input.memories.length);
  const entries: Entry[] = [
    ...input.pins.map((pin): Entry => ({
      zone: 'critical',
      pin,
      content: pinContent(pin),
      score: 1,
      tokens: tokenCount(renderer.pin(renderedPin(pin), false)),
      createdAt: 0,
    })),
    ...[...input.memories]
      .sort((a, b) => b.score - a.score)
      .map((memory): Entry => ({
        zone: zoneOf(memory, input.now),
        memory,
        content: memory.content,
        score: memory.score,
        tokens: tokenCount(renderer.memory(renderedMemory(memory, widestRef), defaults, false)),
        createdAt: Date.parse(memory.created_at),
      })),
  ];
  const used: Record<Zone, number> = { critical: 0, middle: 0, recency: 0 };
  const placed = new Set<Entry>();
  for (const zone of ZONES) {
    for (const entry of entries) {
      if (entry.zone === zone && used[zone] + entry.tokens <= shares[zone]) {
        placed.add(entry);
        used[zone] += entry.tokens;
      }
    }
  }
  let spare = available - used.critical - used.middle - used.recency;
  for (const zone of ZONES) {
    for (const entry of entries) {
      if (entry.zone === zone && !placed.has(entry) && entry.tokens <= spare) {
        placed.add(entry);
        used[zone] += entry.tokens;
        spare -= entry.tokens;
      }
    }
  }

  // Token counts of pieces need not add up exactly to the count of their concatenation; the
  // whole text is the measure, so drop the weakest entries until it fits.
  for (;;) {
    const ordered = order([...placed]);
    const { text, blocks } = render(renderer, defaults, prefix, ordered);
    const tokens = tokenCount(text);
    if (tokens <= input.budget || ordered.length === 0) {
      const skipped = entries
        .filter((entry) => !placed.has(entry))
        .map((entry) => ({
          memory_id: entry.memory?.id ?? null,
          ...(entry.pin === undefined ? {} : { pin_key: entry.pin.key }),
          reason: 'budget' as const,
        }));
      return {
        text,
        format: input.format ?? 'xml',
        blocks,
        tokens_used: tokens,
        zones: Object.fromEntries(
          ZONES.map((zone) => [
            zone,
            { budget: shares[zone], used: blocks.filter((b) => b.zone === zone).reduce((sum, b) => sum + b.tokens, 0) },
          ]),
        ) as AssembledContext['zones'],
        considered: entries.length,
        skipped,
      };
    }
    const weakest = ordered.reduce((low, entry) => (entry.score < low.score ? entry : low));
    placed.delete(weakest);
  }
}

/** Critical by score (pins first), middle by score, recency oldest to newest so the newest is last. */
function order(entries: Entry[]): Entry[] {
  const zoneRank = (zone: Zone) => ZONES.indexOf(zone);
  return entries.sort((a, b) => {
    if (a.zone !== b.zone) {
      return zoneRank(a.zone) - zoneRank(b.zone);
    }
    if (a.zone === 'recency') {
      return a.createdAt - b.createdAt;
    }
    return Number(b.pin !== undefined) - Number(a.pin !== undefined) || b.score - a.score;
  });
}

/** The text, with memories numbered in reading order, and a block per entry (`tokens`: its own text). */
function render(
  renderer: ContextRenderer,
  defaults: FrameDefaults,
  prefix: string,
  ordered: Entry[],
): { text: string; blocks: ContextBlock[] } {
  if (ordered.length === 0) {
    return { text: prefix.trimEnd(), blocks: [] };
  }
  const parts: string[] = [prefix, renderer.open(defaults)];
  const blocks: ContextBlock[] = [];
  const zones = ZONES.filter((zone) => ordered.some((entry) => entry.zone === zone));
  let ref = 0;
  for (const zone of zones) {
    parts.push(renderer.zoneOpen(zone));
    ordered
      .filter((entry) => entry.zone === zone)
      .forEach((entry, index) => {
        const first = index === 0;
        if (entry.memory) {
          ref += 1;
          const piece = renderer.memory(renderedMemory(entry.memory, ref), defaults, first);
          parts.push(piece);
          blocks.push({
            zone,
            ref,
            memory_id: entry.memory.id,
            ...(entry.memory.state === 'superseded' ? { superseded_by: entry.memory.superseded_by ?? null } : {}),
            ...(entry.memory.supersedes ? { supersedes: entry.memory.supersedes } : {}),
            content: entry.content,
            score: entry.score,
            tokens: tokenCount(piece),
          });
        } else if (entry.pin) {
          const piece = renderer.pin(renderedPin(entry.pin), first);
          parts.push(piece);
          blocks.push({
            zone,
            memory_id: null,
            pin_key: entry.pin.key,
            content: entry.content,
            score: entry.score,
            tokens: tokenCount(piece),
          });
        }
      });
    parts.push(renderer.zoneClose(zone));
  }
  parts.push(renderer.close);
  return { text: parts.join(''), blocks };
}
