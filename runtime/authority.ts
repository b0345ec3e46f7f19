/** The three authorities, each with its own subgraph, database, keys and access log. */
export type Authority = 'immigration' | 'registry' | 'mynumber';
