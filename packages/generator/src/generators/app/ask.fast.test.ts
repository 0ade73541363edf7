/** The questions' checks without a terminal: a prompt that types answers in turn until one is accepted. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultAnswers, validateAnswers, type RawAnswers } from '../../answers/answers.js';
import { PortalInputError } from '../../answers/input-error.js';
import { askQuestions, problemWith, refuseBadGivenAnswers, type Prompt } from './ask.js';
import { QUESTIONS } from './questions.js';

const question = (key: string) => QUESTIONS.find(q => q.key === key)!;
const base = (answers: RawAnswers): RawAnswers => ({ ...defaultAnswers(answers, 'folder'), ...answers });

/** Answers each question with the values typed for it, in turn, as inquirer does: until `validate` accepts one. */
function typist(typed: Record<string, unknown[]>) {
  const shown: { question: string; value: unknown; problem: string }[] = [];
  const defaults: Record<string, unknown> = {};
  const prompt: Prompt = async q => {
    const name = String(q.name);
    defaults[name] = q.default;
    for (const value of typed[name] ?? [q.default]) {
      const verdict = (q.validate as (value: unknown) => true | string)(value);
      // a checkbox validates its entries and answers with their values
      if (verdict === true) return { [name]: Array.isArray(value) ? value.map(entry => (entry as { value?: unknown }).value ?? entry) : value };
      shown.push({ question: name, value, problem: verdict });
    }
    throw new Error(`no accepted answer for ${name}`);
  };
  return { prompt, shown, defaults };
}

describe('questions', () => {
  it('refuses a bad answer at its own question, says what is allowed without naming an option, and asks again', async () => {
    const { prompt, shown, defaults } = typist({
      name: ['City Maps', 'city-maps'],
      domain: ['bad domain', 'maps.example.org'],
      backend: ['image'],
      backendImage: ['acme/api', 'ghcr.io/acme/api:latest', 'ghcr.io/acme/api:1.4.2'],
      backendPort: [0, 8080],
    });
    const raw = await askQuestions(prompt, {}, {}, 'folder');
    assert.deepEqual(
      shown.map(({ question, problem }) => [question, problem]),
      [
        ['name', '"City Maps" is not allowed: expected 2 to 40 lowercase letters, digits and dashes, starting with a letter (e.g. "city-portal").'],
        ['domain', '"bad domain" is not allowed: expected a host name such as "maps.example.org" or "portal.localhost".'],
        ['backendImage', '"acme/api" is not allowed: expected an image with an explicit tag, e.g. "ghcr.io/acme/portal-api:1.4.2".'],
        ['backendImage', '"ghcr.io/acme/api:latest" is not allowed: expected a pinned release tag, not the floating "latest".'],
        ['backendPort', '"0" is not allowed: expected a whole number from 1 to 65535.'],
      ],
    );
    // the defaults follow what was typed before them
    assert.equal(defaults.domain, 'city-maps.localhost');
    const answers = validateAnswers(raw);
    assert.deepEqual(
      [answers.name, answers.domain, answers.backendImage, answers.backendPort],
      ['city-maps', 'maps.example.org', 'ghcr.io/acme/api:1.4.2', 8080],
    );
  });

  it('checks a choice against the model too: Celery with a backend that is not Python', () => {
    const problem = problemWith(question('services'), base({ backend: 'node', services: ['postgis', 'celery'] }));
    assert.equal(problem, 'Not allowed: "celery" with --backend "node": Celery runs Python tasks, so it needs --backend django or fastapi.');
  });

  it('takes checkbox entries as the list of their values', async () => {
    const { prompt, shown } = typist({ services: [[{ value: 'postgis' }, { value: 'nginx' }]] });
    const raw = await askQuestions(prompt, {}, {}, 'folder');
    assert.deepEqual(shown, []);
    assert.deepEqual(validateAnswers(raw).services, ['postgis', 'nginx']);
  });

  it('leaves a fault of another answer to its own question', () => {
    // the domain is still wrong, but the name question only answers for the name
    assert.equal(problemWith(question('name'), base({ name: 'city-maps', domain: 'bad domain' })), undefined);
  });

  it('does not mark a refused answer as an error on its way to the user', () => {
    PortalInputError.pending = false;
    assert.ok(problemWith(question('name'), base({ name: 'City Maps' })));
    assert.equal(PortalInputError.pending, false);
  });

  it('with a terminal, refuses a bad option before asking, and leaves a value a question asks to it', () => {
    assert.throws(() => refuseBadGivenAnswers(base({ domain: 'bad domain' }), { domain: 'bad domain' }), /^PortalInputError: Invalid --domain "bad domain"/);
    // read from a file (not given as an option): its question asks with it as the default
    assert.doesNotThrow(() => refuseBadGivenAnswers(base({ domain: 'bad domain' }), {}));
    // nothing asks for an app: its fault is named at once
    const apps = [{ id: 'api', image: 'acme/api', port: 8080 }];
    assert.throws(() => refuseBadGivenAnswers(base({ apps }), {}), /Invalid --image "acme\/api"/);
  });

  it("asks with pick-lists, and with the current names of inquirer's prompts", () => {
    const types = Object.fromEntries(QUESTIONS.map(q => [q.key, q.prompt.type]));
    assert.deepEqual(
      [types.backend, types.services, types.storage, types.pgbouncerPoolMode, types.grafanaPostgres],
      ['select', 'checkbox', 'select', 'select', 'select'],
    );
    assert.ok(QUESTIONS.every(q => ['input', 'select', 'checkbox', 'number'].includes(q.prompt.type)));
  });
});
