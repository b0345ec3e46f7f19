import { GraphiQL } from 'graphiql';
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/graphiql.css';
import { loadLanguage, loadSession } from './session';

/**
 * The explorer: GraphiQL with the schema's documentation, bundled here (no CDN), its own script so the other views
 * never load React. It sends requests with the signed-in caller's token, so it sees what that caller may see.
 */
const session = loadSession();
const language = loadLanguage();
const root = document.getElementById('explorer')!;
if (!session) {
  const link = document.createElement('a');
  link.href = '/console';
  link.textContent = 'Sign in first';
  root.append(link);
} else {
  const fetcher = async (params: unknown) => {
    const response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}`, 'accept-language': language, ...(session.purpose ? { 'x-purpose': session.purpose } : {}) },
      body: JSON.stringify(params),
    });
    return response.json();
  };
  createRoot(root).render(createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true, isHeadersEditorEnabled: false }));
}
