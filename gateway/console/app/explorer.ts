import { useEditorContext } from '@graphiql/react';
import { GraphiQL } from 'graphiql';
import { buildSchema, parse, print, type OperationDefinitionNode } from 'graphql';
import { createElement, useEffect, useMemo, useState, type ChangeEvent } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';
import manifest from '../../persisted/manifest.json';
import { run, setup, type OperationName } from './api';
import { loadLanguage, loadSession, type Session } from './session';
import type { Language } from '../../../schema/codes';

/**
 * The explorer: GraphiQL with the schema's documentation, bundled here (no CDN), its own script so the other views
 * never load React. It sends requests with the signed-in caller's token, so it sees what that caller may see. In
 * development it runs any query; in production it offers the approved operations only, each sent by its hash.
 */

/** The API schema's SDL, put in by the build (build.ts): production answers no introspection. */
declare const API_SCHEMA_SDL: string;

const session = loadSession();
const language = loadLanguage();
const root = document.getElementById('explorer')!;
if (!session) {
  const link = document.createElement('a');
  link.href = '/console';
  link.textContent = 'Sign in first';
  root.append(link);
} else {
  void setup().then(({ explorer }) => createRoot(root).render(explorer === 'approved' ? createElement(ApprovedExplorer, { session, language }) : freeExplorer(session, language)));
}

function freeExplorer(session: Session, language: Language) {
  const fetcher = async (params: unknown) => {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'accept-language': language, ...(session.purpose ? { 'x-purpose': session.purpose } : {}) },
      body: JSON.stringify(params),
    });
    return response.json();
  };
  return createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, isHeadersEditorEnabled: false });
}

/** The operations a staff member may run (partner operations need a partner's API key). */
const APPROVED = manifest.operations.filter((op) => op.clients.includes('staff'));

/** An operation's text as the parser reads it, so a prettified copy of an approved text is still that text. */
const canonical = (text: string): string | undefined => {
  try {
    return print(parse(text));
  } catch {
    return undefined;
  }
};
const BY_TEXT = new Map(APPROVED.map((op) => [canonical(op.body), op]));

/** Each variable of the operation, empty (null) or at its default, for the caller to fill. */
function variablesTemplate(body: string): string {
  const operation = parse(body).definitions[0] as OperationDefinitionNode;
  const entries = (operation.variableDefinitions ?? []).filter((v) => !v.defaultValue).map((v) => [v.variable.name.value, null]);
  return JSON.stringify(Object.fromEntries(entries), null, 2);
}

/** Makes the query editor read-only: the text is the approved one, only the variables are the caller's. */
function ReadOnlyQuery(): null {
  const { queryEditor } = useEditorContext({ nonNull: true });
  useEffect(() => queryEditor?.setOption('readOnly', true), [queryEditor]);
  return null;
}

/** In-memory storage: nothing of what a caller ran stays in the browser of a shared counter PC. */
function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/**
 * Production: the approved operations to pick from, each shown read-only with the schema documentation, its
 * variables filled by the caller, sent by its hash as the rest of the console sends it (api.ts). A text that is
 * not an approved one is not sent; the gateway's safelist would refuse it anyway.
 */
function ApprovedExplorer({ session, language }: { session: Session; language: Language }) {
  const [name, setName] = useState(APPROVED[0]!.name);
  const operation = APPROVED.find((op) => op.name === name)!;
  const schema = useMemo(() => buildSchema(API_SCHEMA_SDL), []);
  const storage = useMemo(memoryStorage, []);
  const variables = useMemo(() => variablesTemplate(operation.body), [operation]);
  const fetcher = async (params: { query: string; variables?: Record<string, unknown> | null }) => {
    const approved = BY_TEXT.get(canonical(params.query));
    if (!approved) return { errors: [{ message: 'Only the approved operations run here: pick one from the list.' }] };
    return run(session, language, approved.name as OperationName, params.variables ?? {});
  };
  const pick = createElement(
    'label',
    { className: 'explorer-pick' },
    'Approved operation ',
    createElement(
      'select',
      { value: name, onChange: (event: ChangeEvent<HTMLSelectElement>) => setName(event.target.value) },
      APPROVED.map((op) => createElement('option', { key: op.name, value: op.name }, `${op.name} (${op.type})`)),
    ),
  );
  const graphiql = createElement(GraphiQL, {
    fetcher,
    schema,
    query: operation.body,
    variables,
    storage,
    disableTabs: true,
    defaultEditorToolsVisibility: 'variables',
    isHeadersEditorEnabled: false,
    toolbar: { additionalComponent: ReadOnlyQuery },
  });
  return createElement('div', { className: 'explorer-approved' }, pick, graphiql);
}
