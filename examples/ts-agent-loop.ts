/**
 * An agent loop on Engram's TypeScript SDK: before each step the agent reads its context (the
 * memories and pins that matter for the step, packed under a token budget), and after it the
 * agent writes down what it learned. No LLM: the steps are scripted, and "acting" is checking
 * that the context holds what the step needs. examples/ts-agent-loop.spec.ts runs it against a
 * real server.
 *
 *   npm start                                   # a server on http://127.0.0.1:8080
 *   npm run example:agent-loop                  # ENGRAM_URL, ENGRAM_TOKEN if it needs one
 */
import { ConflictError, EngramClient } from '@engram-memory/sdk';

export interface Step {
  task: string;
  /** Facts from earlier steps the agent needs in its context to do this one. */
  needs: string[];
  /** What the agent learns doing it: stored as lasting memories. */
  learns: string[];
}

export const STEPS: Step[] = [
  {
    task: 'Inspect how the billing service is deployed',
    needs: [],
    learns: [
      'The billing service deploys from the release branch.',
      'A billing deploy needs approval from the payments team.',
    ],
  },
  {
    task: 'Check the calendar for a billing deploy window',
    needs: ['release branch'],
    learns: ['Deploys are frozen on Fridays after 15:00.'],
  },
  {
    task: 'Schedule the billing deploy',
    needs: ['approval from the payments team', 'frozen on Fridays'],
    learns: ['The billing deploy is scheduled for Thursday 10:00, approved by the payments team.'],
  },
];

export interface StepReport {
  task: string;
  /** What the context held of what the step needed, and what it lacked. */
  found: string[];
  missing: string[];
  contextTokens: number;
  stored: string[];
}

export interface AgentLoopOptions {
  namespace?: string;
  steps?: Step[];
  tokenBudget?: number;
  log?: (line: string) => void;
}

export async function runAgentLoop(client: EngramClient, options: AgentLoopOptions = {}): Promise<StepReport[]> {
  const { namespace = 'agent-loop', steps = STEPS, tokenBudget = 600, log = () => undefined } = options;
  try {
    await client.namespaces.create({ name: namespace, description: 'what the agent loop learned' });
  } catch (error) {
    // A second run finds the namespace of the first: it builds on what that run learned.
    if (!(error instanceof ConflictError)) {
      throw error;
    }
  }
  const reports: StepReport[] = [];
  for (const [index, step] of steps.entries()) {
    // 1. Read: the context for this step, with the loop's own progress pin.
    const context = await client.context(step.task, {
      namespace,
      token_budget: tokenBudget,
      pin_prefixes: ['agent-loop:'],
    });
    const found = step.needs.filter((fact) => context.text.includes(fact));
    const missing = step.needs.filter((fact) => !found.includes(fact));
    log(
      `step ${index + 1}: ${step.task} — context ${context.tokens_used} tokens, ${context.blocks.length} blocks` +
        (missing.length ? `; missing: ${missing.join(', ')}` : ''),
    );

    // 2. Act (scripted), keeping a working note that expires on its own.
    await client.remember(namespace, `Working on: ${step.task}`, { type: 'working', ttl_seconds: 600 });

    // 3. Write: what the step taught, once each (equal content is stored once, so a rerun adds nothing).
    const stored: string[] = [];
    for (const fact of step.learns) {
      const memory = await client.remember(namespace, fact, {
        type: 'semantic',
        tags: ['agent-loop'],
        importance: 0.7,
        source: 'ts-agent-loop',
        metadata: { step: index + 1 },
      });
      stored.push(memory.id);
    }
    await client.pins.set('agent-loop:progress', { step: index + 1, of: steps.length, task: step.task });
    reports.push({ task: step.task, found, missing, contextTokens: context.tokens_used, stored });
  }
  return reports;
}

async function main(): Promise<void> {
  const client = new EngramClient({
    baseUrl: process.env.ENGRAM_URL,
    token: process.env.ENGRAM_TOKEN || undefined,
  });
  const reports = await runAgentLoop(client, { log: (line) => console.log(line) });
  const missing = reports.flatMap((report) => report.missing);
  console.log(missing.length ? `done; never found: ${missing.join(', ')}` : 'done; every step had what it needed');
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
