import { TranscriptMessage } from './extraction.dto';
import { OfflineFactExtractor } from './offline-extractor';

const extract = (content: string, role: TranscriptMessage['role'] = 'user') =>
  new OfflineFactExtractor().extract([{ index: 3, role, content }]);

describe('OfflineFactExtractor', () => {
  const caught: [string, string, string | null, string][] = [
    ['My name is Ana Sousa.', "User's name is Ana Sousa.", 'user.name', 'fact'],
    ['Call me Bo', "User's name is Bo.", 'user.name', 'fact'],
    ["I'm allergic to peanuts!", 'User is allergic to peanuts.', 'user.allergy.peanuts', 'fact'],
    ['I am vegetarian.', 'User is vegetarian.', 'user.diet', 'fact'],
    ['I live in Porto, Portugal.', 'User lives in Porto, Portugal.', 'user.location', 'fact'],
    ['I now work at Acme Corp.', 'User works at Acme Corp.', 'user.employer', 'fact'],
    ['I work as an engineer.', 'User works as an engineer.', 'user.occupation', 'fact'],
    ['My favourite colour is teal.', "User's favorite colour is teal.", 'user.favorite.colour', 'preference'],
    ['I really like jazz', 'User likes jazz.', null, 'preference'],
    ["I can't stand cilantro.", 'User dislikes cilantro.', null, 'preference'],
    ["I'm planning to visit Kyoto in May.", 'User plans to visit Kyoto in May.', null, 'plan'],
  ];

  it.each(caught)('catches "%s"', async (content, fact, key, kind) => {
    expect(await extract(content)).toEqual([{ content: fact, key, kind, messages: [3] }]);
  });

  const skipped = [
    "I'm not allergic to peanuts.",
    'I used to live in Paris.',
    'If I lived in Paris I would be happy.',
    'Maybe I like jazz.',
    'Do I live in Paris?',
    'My friend said "I live in Paris".',
    'My sister thinks I work at Acme.',
    'I never work at night.',
    'I work at night.',
    'I live in the suburbs.',
    'my name is bond, james bond',
    'I like that.',
    'The weather is nice today.',
    'I live in a house that my grandfather built with his own hands over many many years near the river',
  ];

  it.each(skipped)('stores nothing for "%s"', async (content) => {
    expect(await extract(content)).toEqual([]);
  });

  it('reads only user messages', async () => {
    expect(await extract('I live in Paris.', 'assistant')).toEqual([]);
    expect(await extract('I live in Paris.', 'tool')).toEqual([]);
    expect(await extract('I live in Paris.', 'system')).toEqual([]);
  });

  it('reads every sentence of a message, each fact once, citing its message', async () => {
    const facts = await new OfflineFactExtractor().extract([
      { index: 0, role: 'user', content: 'Hello. I live in Oslo. I am vegan; I like skiing.' },
      { index: 1, role: 'assistant', content: 'Noted.' },
      { index: 2, role: 'user', content: 'I live in Oslo.\nMy name is Kari.' },
    ]);
    expect(facts.map((fact) => [fact.content, fact.messages])).toEqual([
      ['User lives in Oslo.', [0]],
      ['User is vegan.', [0]],
      ['User likes skiing.', [0]],
      ["User's name is Kari.", [2]],
    ]);
  });
});
